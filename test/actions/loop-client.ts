/**
 * A signed-in LOOP client for action tests: registers a user with a fresh company on the test
 * service and sends JSON requests with its token and company code.
 */
import type { TestService } from '../helpers/test-service.ts';

export interface LoopClient {
  readonly company: string;
  readonly companyId: number;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  get(path: string): Promise<{ status: number; body: any; headers: Headers }>;
  post(path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
}

let seq = 0;

export async function request(url: string, method: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed as any, headers: res.headers };
}

export async function signUp(svc: TestService, label: string): Promise<LoopClient> {
  const n = `${label}${++seq}${process.pid}`;
  const password = 'Str0ng-passw0rd!';
  const email = `${n}@example.test`;
  const reg = await request(`${svc.api}auth/register/`, 'POST', { email, username: n, password, company_name: `Co ${n}` });
  if (reg.status !== 201 && reg.status !== 200) throw new Error(`register ${reg.status}: ${JSON.stringify(reg.body)}`);
  const login = await request(`${svc.api}auth/login/`, 'POST', { email, password });
  if (login.status !== 200) throw new Error(`login ${login.status}: ${JSON.stringify(login.body)}`);
  const access = login.body.access as string;
  const row = await svc
    .db('companies')
    .where({ name: `Co ${n}` })
    .first('id', 'code');
  const company = row.code as string;
  const auth = { Authorization: `Bearer ${access}`, 'X-Company-ID': company };
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    request(`${svc.api}${path}`, method, body, { ...auth, ...headers });
  return {
    company,
    companyId: Number(row.id),
    call,
    get: (path) => call('GET', path),
    post: (path, body = {}) => call('POST', path, body),
  };
}

/** Creates a record through the generic CRUD endpoint and returns it (fails loudly otherwise). */
export async function create(c: LoopClient, path: string, body: Record<string, unknown>): Promise<any> {
  const r = await c.post(path, body);
  if (r.status !== 201) throw new Error(`POST ${path} ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}
