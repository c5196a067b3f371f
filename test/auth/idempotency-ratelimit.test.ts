import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopServices } from '../../runtime/loop/auth/loop-services.ts';
import { login } from '../../runtime/loop/auth/session-flows.ts';
import { createSuperuser } from '../../runtime/loop/auth/create-superuser.ts';
import { isApiError } from '../../runtime/http/api-error.ts';
import { createIdempotencyMiddleware } from '../../runtime/idempotency/idempotency-middleware.ts';
import { createRateLimitMiddleware } from '../../runtime/ratelimit/rate-limit.ts';
import { MemoryRateLimitStore } from '../../runtime/ratelimit/rate-limit-store.ts';
import { apiError, requestContext, runAction } from './helpers/action-context.ts';
import { closeTestDb, openTestDb } from './helpers/loop-test-db.ts';

let db: Knex;
let server: Server;
let base: string;
let gate: { open: () => void; entered: Promise<void>; signal: () => void } | null = null;
const clock = { t: Date.UTC(2031, 5, 1) };

function newGate() {
  let open!: () => void;
  let signal!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  const entered = new Promise<void>((r) => (signal = r));
  return { open, entered, signal, opened };
}

beforeAll(async () => {
  db = await openTestDb();
  loopServices(db, { jwtSecret: 'z'.repeat(40), limits: { loginPerEmail: 2 }, now: () => clock.t });
  await db.schema.createTable('orders', (t) => {
    t.increments('id');
    t.string('item');
  });
  // Stored keys belong to the request's company.
  const [company] = await db('companies').insert({ code: '001', name: 'Acme', slug: 'acme' }).returning('id');
  const companyId = Number(company.id);
  const app = express();
  app.use(express.json());
  app.use((req, res, next) => {
    res.locals.ctx = {
      ...requestContext(db),
      ip: req.get('x-test-ip') ?? '198.51.100.1',
      tenant: { companyId, companyCode: '001', role: null, permissions: new Set() },
    };
    next();
  });
  const limit = createRateLimitMiddleware(new MemoryRateLimitStore(() => clock.t));
  let g: ReturnType<typeof newGate> | null = null;
  app.post('/orders', limit('orders', { perMinute: 100 }), createIdempotencyMiddleware(), async (req, res, next) => {
    try {
      if (req.body.slow) {
        g = newGate();
        gate = g;
        g.signal();
        await g.opened;
      }
      if (req.body.fail) return void res.status(500).json({ detail: 'boom' });
      const [row] = await db('orders').insert({ item: req.body.item }).returning('id');
      res.status(201).json({ id: row.id, item: req.body.item });
    } catch (e) {
      next(e);
    }
  });
  // A one-time secret sent whole (res.json), not streamed: no-store alone must keep it out of the store.
  app.post('/secrets', createIdempotencyMiddleware(), async (req, res) => {
    const [row] = await db('orders')
      .insert({ item: `secret:${req.body.label}` })
      .returning('id');
    if (req.body.fail) return void res.status(400).set('Cache-Control', 'no-store').json({ detail: 'bad' });
    res
      .status(201)
      .set('Cache-Control', 'private, no-store')
      .json({ id: row.id, secret: `s3cr3t-${row.id}` });
  });
  app.post('/limited', limit('limited', { perMinute: 2 }), (_req, res) => void res.json({ ok: true }));
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (isApiError(err)) {
      if (err.headers) res.set(err.headers);
      return void res.status(err.status).json({ detail: err.message, code: err.code });
    }
    res.status(500).json({ detail: String(err) });
  });
  server = app.listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await closeTestDb(db);
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** The stored response is written when the first response finishes; wait for it before retrying. */
async function settled(key: string) {
  for (let i = 0; i < 100; i++) {
    const row = await db('idempotency_keys').where({ key }).first();
    if (!row || row.status !== null) return;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('Idempotency-Key', () => {
  it('replays the first response for a retry, without running the handler again', async () => {
    const a = await post('/orders', { item: 'tea', n: 1 }, { 'idempotency-key': 'k1' });
    await settled('k1');
    const b = await post('/orders', { n: 1, item: 'tea' }, { 'idempotency-key': 'k1' });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    expect(await b.json()).toEqual(await a.json());
    expect(Number((await db('orders').where({ item: 'tea' }).count({ n: '*' }).first())!.n)).toBe(1);
  });

  it('the same key with different parameters is a 422', async () => {
    await post('/orders', { item: 'coffee' }, { 'idempotency-key': 'k2' });
    await settled('k2');
    const r = await post('/orders', { item: 'cake' }, { 'idempotency-key': 'k2' });
    expect(r.status).toBe(422);
    expect((await r.json()).code).toBe('idempotency_key_reused');
  });

  it('a retry while the first is in flight is a 409', async () => {
    const first = post('/orders', { item: 'slow', slow: true }, { 'idempotency-key': 'k3' });
    while (!gate) await new Promise((r) => setTimeout(r, 5));
    await gate.entered;
    const second = await post('/orders', { item: 'slow', slow: true }, { 'idempotency-key': 'k3' });
    expect(second.status).toBe(409);
    gate.open();
    expect((await first).status).toBe(201);
  });

  it('5xx responses are not stored, so a retry runs again', async () => {
    expect((await post('/orders', { item: 'x', fail: true }, { 'idempotency-key': 'k4' })).status).toBe(500);
    await settled('k4');
    for (let i = 0; i < 100 && (await db('idempotency_keys').where({ key: 'k4' }).first()); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect((await post('/orders', { item: 'x', fail: true }, { 'idempotency-key': 'k4' })).status).toBe(500);
  });

  it('never stores a no-store answer sent whole; a retry is 409 idempotency_not_replayable and does not run again', async () => {
    const a = await post('/secrets', { label: 'one' }, { 'idempotency-key': 'k6' });
    expect(a.status).toBe(201);
    const { secret } = await a.json();
    await settled('k6');
    const row = await db('idempotency_keys').where({ key: 'k6' }).first();
    expect(row.status).toBe(201);
    expect(JSON.stringify(row.response)).not.toContain(secret);
    const b = await post('/secrets', { label: 'one' }, { 'idempotency-key': 'k6' });
    expect(b.status).toBe(409);
    expect((await b.json()).code).toBe('idempotency_not_replayable');
    expect(Number((await db('orders').where({ item: 'secret:one' }).count({ n: '*' }).first())!.n)).toBe(1);
  });

  it('a failed no-store answer is released, so its retry runs again', async () => {
    expect((await post('/secrets', { label: 'two', fail: true }, { 'idempotency-key': 'k7' })).status).toBe(400);
    for (let i = 0; i < 100 && (await db('idempotency_keys').where({ key: 'k7' }).first()); i++)
      await new Promise((r) => setTimeout(r, 10));
    const again = await post('/secrets', { label: 'two', fail: true }, { 'idempotency-key': 'k7' });
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    expect(Number((await db('orders').where({ item: 'secret:two' }).count({ n: '*' }).first())!.n)).toBe(2);
  });

  it('keys expire after 24 hours', async () => {
    await post('/orders', { item: 'old' }, { 'idempotency-key': 'k5' });
    await settled('k5');
    await db('idempotency_keys')
      .where({ key: 'k5' })
      .update({ expires_at: new Date(Date.now() - 1000) });
    const r = await post('/orders', { item: 'new' }, { 'idempotency-key': 'k5' });
    expect(r.status).toBe(201);
    expect(r.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('rate limits', () => {
  it('over the limit → 429 with Retry-After; buckets are per IP and refill with time', async () => {
    const h = { 'x-test-ip': '192.0.2.9' };
    expect((await post('/limited', {}, h)).status).toBe(200);
    expect((await post('/limited', {}, h)).status).toBe(200);
    const r = await post('/limited', {}, h);
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post('/limited', {}, { 'x-test-ip': '192.0.2.10' })).status).toBe(200);
    clock.t += 30_000;
    expect((await post('/limited', {}, h)).status).toBe(200);
  });

  it('login is throttled per email across IPs', async () => {
    await createSuperuser(db, { email: 'grace@example.com', password: 'cobol-compiler-1959' });
    const body = { email: 'grace@example.com', password: 'wrong-password-x' };
    expect((await runAction(db, login, { body, ip: '1.1.1.1' })).status).toBe(401);
    expect((await runAction(db, login, { body, ip: '2.2.2.2' })).status).toBe(401);
    const e = await apiError(runAction(db, login, { body, ip: '3.3.3.3' }));
    expect(e.status).toBe(429);
    expect(e.headers?.['Retry-After']).toMatch(/^\d+$/);
  });
});
