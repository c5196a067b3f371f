/**
 * Cross-process cache invalidation (runtime/pubsub/cache-bus.ts, runtime/loop/tenancy/cache-sync.ts):
 * - the bus itself (PGlite or PostgreSQL): an invalidation published in a committed transaction reaches
 *   the subscribers, a rolled-back one never does, another schema's is ignored;
 * - PostgreSQL: two `loopgen serve --service loop` processes. B caches "session not revoked" for an
 *   access token (TTL 5 s); a logout through A makes B refuse that token well before the TTL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onInvalidation, publishInvalidation, CACHE_CHANNEL } from '../../runtime/pubsub/cache-bus.ts';
import { notify } from '../../runtime/pubsub/database-listener.ts';
import { createSuperuser } from '../../runtime/loop/auth/create-superuser.ts';
import { openTestDatabase } from '../helpers/test-service.ts';
import { serveProcess, type Serving } from '../serve/serve-process.ts';

describe('cache bus', () => {
  let t: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    t = await openTestDatabase('loop');
  }, 120_000);
  afterAll(async () => {
    await t?.drop();
  });

  it('delivers committed invalidations only, of its own schema', async () => {
    const heard: (string | null)[] = [];
    const off = onInvalidation(t.db, 'test.cache', (key) => heard.push(key));
    await new Promise((r) => setTimeout(r, 200)); // LISTEN in place
    await t.db
      .transaction(async (trx) => {
        await publishInvalidation(t.db, trx, 'test.cache', 'rolled-back');
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await notify(t.db, CACHE_CHANNEL, JSON.stringify({ schema: 'another_schema', cache: 'test.cache', key: 'elsewhere' }));
    await t.db.transaction((trx) => publishInvalidation(t.db, trx, 'test.cache', 'committed'));
    await publishInvalidation(t.db, t.db, 'test.cache');
    await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['committed', null]);
    off();
  });
});

const url = process.env.DATABASE_URL;

describe.runIf(url)('two LOOP serve processes on one PostgreSQL', () => {
  let a: Serving;
  let b: Serving;
  let drop: () => Promise<void>;
  let dataDir: string;

  beforeAll(async () => {
    const t = await openTestDatabase('loop');
    drop = t.drop;
    await createSuperuser(t.db, { email: 'bus@example.com', password: 'correct horse battery' });
    const u = new URL(url!);
    u.pathname = `/${(t.db.client as { config: { connection: { database: string } } }).config.connection.database}`;
    dataDir = await mkdtemp(join(tmpdir(), 'loopgen-bus-'));
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: u.toString(), LOG_LEVEL: 'warn', LOOP_JWT_SECRET: 'b'.repeat(40) };
    delete env.PORT;
    const args = ['--service', 'loop', '--port', '0', '--data-dir', dataDir];
    [a, b] = await Promise.all([serveProcess(args, env), serveProcess(args, env)]);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await drop?.();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  const call = (base: string, method: string, path: string, token?: string, body?: unknown) =>
    fetch(`${base}/api/v1/${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('a logout through A is seen by B before its cache would expire', async () => {
    const login = await call(a.url, 'POST', 'auth/login/', undefined, { email: 'bus@example.com', password: 'correct horse battery' });
    expect(login.status).toBe(200);
    const { access, refresh } = (await login.json()) as { access: string; refresh: string };
    // B now holds "this session is not revoked" for 5 s.
    expect((await call(b.url, 'GET', 'auth/me/', access)).status).toBe(200);
    const t0 = performance.now();
    expect((await call(a.url, 'POST', 'auth/logout/', access, { refresh })).status).toBe(204);
    // Without the bus B keeps answering 200 until the TTL (5 s) ends; the poll gives up at 3 s.
    await expect.poll(async () => (await call(b.url, 'GET', 'auth/me/', access)).status, { timeout: 3_000, interval: 20 }).toBe(401);
    console.log(`logout on A seen by B after ${(performance.now() - t0).toFixed(0)} ms (cache TTL 5000 ms)`);
  });
});
