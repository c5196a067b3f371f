/**
 * A tiny HTTP client for the generated LOOP API as one signed-in actor, and the three actors the
 * conformance suite needs: two company owners (001 and 002, each registered with a company) and a
 * superuser (made in the database, as `loopgen admin create-superuser` would, then logged in).
 */
import { createSuperuser } from '../../../runtime/loop/auth/create-superuser.ts';
import type { TestService } from '../../helpers/test-service.ts';

export interface Reply {
  readonly status: number;
  // Responses are JSON of any shape; tests narrow with expect().
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly method: string;
  readonly url: string;
  readonly sent?: unknown;
}

export type Query = Record<string, string | number | boolean>;

export class Actor {
  constructor(
    readonly name: string,
    private readonly api: string,
    private readonly token: string,
    /** Company code sent as X-Company-ID, or null (superuser on global resources). */
    readonly company: string | null,
    readonly userId: number,
    readonly companyId: number | null,
  ) {}

  async request(method: string, path: string, body?: unknown, query?: Query): Promise<Reply> {
    const qs = query ? '?' + new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString() : '';
    const url = this.api + path + qs;
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (this.company) headers['X-Company-ID'] = this.company;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, method, url: url.replace(this.api, ''), sent: body };
  }

  /**
   * multipart/form-data: `files` become file parts (a few bytes of text/plain), everything else a
   * form field (objects and arrays as JSON text).
   */
  async postMultipart(path: string, fields: Record<string, unknown>, files: readonly string[]): Promise<Reply> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined || v === null) continue;
      if (files.includes(k)) form.append(k, new Blob([`conformance upload ${String(v)}\n`], { type: 'text/plain' }), `${k}.txt`);
      else form.append(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (this.company) headers['X-Company-ID'] = this.company;
    const res = await fetch(this.api + path, { method: 'POST', headers, body: form });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: res.status, body: parsed, method: 'POST (multipart)', url: path, sent: fields };
  }

  /** The same signed-in user acting in another company (a superuser writing a company's superuser-only records). */
  inCompany(company: string | null, companyId: number | null): Actor {
    return new Actor(this.name, this.api, this.token, company, this.userId, companyId);
  }

  get = (path: string, query?: Query) => this.request('GET', path, undefined, query);
  post = (path: string, body?: unknown) => this.request('POST', path, body ?? {});
  put = (path: string, body: unknown) => this.request('PUT', path, body);
  patch = (path: string, body: unknown) => this.request('PATCH', path, body);
  delete = (path: string) => this.request('DELETE', path);
}

export const PASSWORD = 'Str0ng-passw0rd!';

async function json(res: Response, what: string) {
  const body = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return body;
}

export async function login(api: string, email: string) {
  const res = await fetch(api + 'auth/login/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  return (await json(res, `login ${email}`)) as { access: string; user: { id: number } };
}

/** Registers a user with a company (the next code: 001, 002, …) and logs in. */
export async function owner(svc: TestService, name: string, code: string): Promise<Actor> {
  const email = `${name}@conformance.test`;
  const res = await fetch(svc.api + 'auth/register/', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, username: name, password: PASSWORD, company_name: `Conformance ${name}` }),
  });
  await json(res, `register ${email}`);
  const { access, user } = await login(svc.api, email);
  const company = await svc.db('companies').where({ code }).first('id');
  if (!company) throw new Error(`register ${email} did not create company ${code}`);
  // Number(): on PostgreSQL login answers the bigint id as a string (reported to the auth owners).
  return new Actor(name, svc.api, access, code, Number(user.id), Number(company.id));
}

export interface Actors {
  /** Owner of company 001: writes every company-scoped record under test. */
  readonly a: Actor;
  /** Owner of company 002: must never see or touch A's records. */
  readonly b: Actor;
  /** Superuser without a company header: writes global resources. */
  readonly root: Actor;
}

export async function makeActors(svc: TestService): Promise<Actors> {
  const a = await owner(svc, 'alice', '001');
  const b = await owner(svc, 'bob', '002');
  await createSuperuser(svc.db, { email: 'root@conformance.test', password: PASSWORD });
  const su = await login(svc.api, 'root@conformance.test');
  const root = new Actor('root', svc.api, su.access, null, Number(su.user.id), null);
  return { a, b, root };
}

/** `METHOD path body → status body`, for failure messages the owners of the runtime can act on. */
export function describeReply(r: Reply): string {
  const sent = r.sent === undefined ? '' : ` ${JSON.stringify(r.sent)}`;
  return `${r.method} ${r.url}${sent} → ${r.status} ${JSON.stringify(r.body)?.slice(0, 600)}`;
}
