/**
 * One generated service over HTTP for the hardening tests, signed in as a real tenant:
 * loop as company 001's owner (test/conformance/lib/client.ts), roomloop with an admin key,
 * platform with a `*`-scoped tenant key. `call` sends raw bodies too (malformed JSON, broken multipart).
 */
import { request } from 'node:http';
import { expect } from 'vitest';
import { makeActors, login } from '../../conformance/lib/client.ts';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { createRoomloopKey } from '../../../runtime/roomloop/auth/api-keys.ts';
import { createPlatformKey } from '../../../runtime/platform/index.ts';

export type ServiceName = 'loop' | 'roomloop' | 'platform';

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // Error bodies of three styles; tests narrow them with expect().
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

export interface CallOptions {
  /** JSON-encoded unless `raw` is given. */
  readonly body?: unknown;
  /** Sent as is, with `contentType`. */
  readonly raw?: string | Uint8Array;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export interface Harness {
  readonly service: ServiceName;
  readonly svc: TestService;
  call(method: string, path: string, opts?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startHarness(service: ServiceName): Promise<Harness> {
  if (service === 'roomloop') process.env.ROOMLOOP_RATE_LIMIT_PER_MINUTE ??= '1000000';
  const svc = await startTestService(service);
  let auth: Record<string, string>;
  try {
    if (service === 'loop') {
      await makeActors(svc);
      auth = { authorization: `Bearer ${(await login(svc.api, 'alice@conformance.test')).access}`, 'x-company-id': '001' };
    } else if (service === 'roomloop') {
      auth = { authorization: `Bearer ${(await createRoomloopKey(svc.db, { role: 'admin', label: 'hardening' })).key}` };
    } else {
      auth = { authorization: `Bearer ${(await createPlatformKey(svc.db, { tenant: 'hardening', label: 'hardening' })).key}` };
    }
  } catch (e) {
    await svc.close();
    throw e;
  }
  return {
    service,
    svc,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { ...auth, ...opts.headers };
      let body: string | Uint8Array | undefined;
      if (opts.raw !== undefined) {
        body = opts.raw;
        if (opts.contentType) headers['content-type'] = opts.contentType;
      } else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] = 'application/json';
      }
      const { status, headers: got, text } = await send(method, svc.api + path.replace(/^\//, ''), headers, body);
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: the text is kept for the failure message
      }
      return { status, headers: got, text, body: parsed };
    },
    close: () => svc.close(),
  };
}

/** node:http rather than fetch: fetch refuses TRACE, and the tests send it. */
function send(method: string, url: string, headers: Record<string, string>, body?: string | Uint8Array) {
  return new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, headers: h, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The error's code and field errors, whatever the style's body. */
export function errorOf(
  service: ServiceName,
  body: Record<string, unknown>,
): { code?: string; message?: string; fields?: Record<string, string[]> } {
  if (service === 'loop') {
    if (typeof body.detail === 'string') return { code: body.code as string, message: body.detail };
    return { fields: body as Record<string, string[]> };
  }
  const e = body.error as { code?: string; message?: string; fields?: Record<string, string[]> };
  return { code: e.code, message: e.message, fields: e.fields };
}

/** No SQL, table or constraint names, SQLSTATEs, driver wording or stack traces in an answer. */
export function expectNoDriverText(r: Reply, ...tableNames: string[]): void {
  const text = r.text;
  expect(text, text).not.toMatch(/\b(select|insert into|update|delete from)\b[\s\S]*\b(from|set|values|where)\b/i);
  expect(text, text).not.toMatch(
    /\$\d|relation "|constraint "|violates|SQLSTATE|invalid byte sequence|out of range for type|syntax for type|at \w+ \(|node_modules|\.ts:\d+/i,
  );
  for (const t of tableNames) expect(text, text).not.toContain(t);
}

/** A reply is a 4xx in the service's own error body: DRF's shapes, `{error:{code,message}}`, the platform envelope. */
export function expectStyledError(h: Harness, r: Reply, status: number): void {
  expect(r.status, `${r.status} ${r.text.slice(0, 400)}`).toBe(status);
  expect(r.headers.get('content-type') ?? '').toMatch(/application\/json/);
  if (h.service === 'platform') {
    expect(r.body).toMatchObject({
      success: false,
      error: { code: expect.any(String), message: expect.any(String) },
      request_id: expect.any(String),
    });
  } else if (h.service === 'roomloop') {
    expect(r.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  } else {
    expect(typeof r.body).toBe('object');
    if ('detail' in r.body) expect(r.body).toEqual({ detail: expect.any(String), code: expect.any(String) });
    else for (const v of Object.values(r.body)) expect(v).toEqual(expect.arrayContaining([expect.any(String)]));
  }
}
