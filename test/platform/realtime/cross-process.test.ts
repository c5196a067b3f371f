/**
 * Two `loopgen serve --service platform` processes on one PostgreSQL database (PostgreSQL only: the
 * embedded database is one process). They share nothing but the database:
 * - an SSE client and a WebSocket client connected to B receive an object created through A (the
 *   delay is printed, not asserted); a client of another tenant on B receives nothing;
 * - a key with `rate_limit: 3` gets 3 answers in a minute across A and B together, then 429;
 * - `GET /v1/auth/me/export` works once an hour per user, whichever process answers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../../helpers/test-service.ts';
import { serveProcess, type Serving } from '../../serve/serve-process.ts';
import { createPlatformKey } from '../../../runtime/platform/index.ts';
import { tenantPublicId } from '../../../runtime/platform/tenants/public-id.ts';
import { openSse, openWs, wsUrl, type Received } from './realtime-clients.ts';

const url = process.env.DATABASE_URL;
let a: Serving;
let b: Serving;
let dbUrl: string;
let drop: () => Promise<void>;
let dataDir: string;
let keyA: string;
let tenantA: string;
let keyB: string;

function caller(base: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/v1/${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  };
}

describe.runIf(url)('two serve processes on one PostgreSQL', () => {
  beforeAll(async () => {
    const t = await openTestDatabase('platform');
    const u = new URL(url!);
    u.pathname = `/${(t.db.client as { config: { connection: { database: string } } }).config.connection.database}`;
    dbUrl = u.toString();
    drop = t.drop;
    const ka = await createPlatformKey(t.db, { tenant: 'xp-a' });
    keyA = ka.key;
    tenantA = tenantPublicId(ka.tenantId);
    keyB = (await createPlatformKey(t.db, { tenant: 'xp-b' })).key;
    dataDir = await mkdtemp(join(tmpdir(), 'loopgen-xp-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: dbUrl, LOG_LEVEL: 'warn' };
    delete env.PORT;
    const args = ['--service', 'platform', '--port', '0', '--data-dir', dataDir];
    [a, b] = await Promise.all([serveProcess(args, env), serveProcess(args, env)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await drop?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('an object created through A reaches SSE and WebSocket clients on B; tenant B hears nothing', async () => {
    const onA = caller(a.url, keyA);
    const type = await onA('POST', 'object-types', { name: 'orders' });
    expect(type.status).toBe(201);
    const typeId = type.body.data.id;

    const sse = await openSse(`${b.url}/events/stream?object_type=${typeId}`, keyA);
    await sse.waitFor((r) => r.event === 'ready');
    const ws = await openWs(wsUrl(b.url, { token: keyA, tenant_id: tenantA }));
    await ws.waitFor((r) => r.event === 'connected');
    const other = await openSse(`${b.url}/events/stream`, keyB);
    await other.waitFor((r) => r.event === 'ready');

    const delays: { sse: number; ws: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const o = await onA('POST', `objects/${typeId}`, { properties: {} });
      expect(o.status).toBe(201);
      const is = (r: Received) => r.data?.data?.id === o.body.data.id || r.data?.event?.data?.id === o.body.data.id;
      const s = await sse.waitFor(is);
      const w = await ws.waitFor(is);
      delays.push({ sse: s.at - t0, ws: w.at - t0 });
    }
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    console.log(
      `write on A → client on B (ms): SSE ${fmt(delays.map((d) => d.sse))}; WebSocket ${fmt(delays.map((d) => d.ws))} (target < 1000)`,
    );
    expect(sse.received.filter((r) => r.event === 'object.created')).toHaveLength(5);
    // B's own tenant stream is live: it gets B's write, and never saw A's five.
    const onB = caller(a.url, keyB);
    const tb = (await onB('POST', 'object-types', { name: 'orders' })).body.data.id;
    const ob = await onB('POST', `objects/${tb}`, { properties: {} });
    await other.waitFor((r) => r.data?.data?.id === ob.body.data.id);
    expect(other.received.filter((r) => r.data?.tenant_id === tenantA)).toEqual([]);
    for (const c of [sse, ws, other]) c.close();
  });

  it('a key with rate_limit 3 gets 3 answers a minute across both processes', async () => {
    const made = await caller(a.url, keyA)('POST', 'keys', { label: 'limited', scopes: ['read'], rate_limit: 3 });
    expect(made.status).toBe(201);
    const limited = made.body.data.token as string;
    // The limit counts per clock-aligned minute: start well inside one, so all six requests share it.
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 10_000) await new Promise((r) => setTimeout(r, msLeft + 200));
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await caller(i % 2 ? b.url : a.url, limited)('GET', 'object-types'));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 429, 429, 429]);
    expect(answers[3]!.body.error.code).toMatch(/rate_limited/i);
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answers[3]!.headers.get('x-ratelimit-limit')).toBe('3');
  }, 90_000);

  it('me/export answers once an hour per user, whichever process serves it', async () => {
    const authKey = (await caller(a.url, keyA)('POST', 'keys', { label: 'auth', scopes: ['auth'] })).body.data.token;
    expect(
      (await caller(a.url, authKey)('POST', 'auth/signup', { email: 'xp@example.com', password: 'correct horse battery' })).status,
    ).toBe(201);
    const login = await caller(b.url, authKey)('POST', 'auth/login', { email: 'xp@example.com', password: 'correct horse battery' });
    const token = login.body.data.access_token as string;
    expect((await caller(a.url, token)('GET', 'auth/me/export')).status).toBe(200);
    const again = await caller(b.url, token)('GET', 'auth/me/export');
    expect(again.status).toBe(429);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(3000);
  });
});
