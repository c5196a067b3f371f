/**
 * Rate limits that hold across processes (runtime/ratelimit/shared-rate-limit-store.ts):
 * - PostgreSQL: two stores on two separate database handles (nothing shared in memory, as two
 *   processes) count into the same rows: a limit of 3 lets 3 through in total; an hourly rule refuses
 *   the second hit with an hour's Retry-After;
 * - through the platform server (PGlite or PostgreSQL): a key's `rate_limit: 3` refuses the 4th request
 *   with 429 and X-RateLimit-*; `me/export` answers once an hour.
 * Two real `serve` processes are exercised in test/platform/realtime/cross-process.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { openDatabase, closeDatabase } from '../../runtime/db/open-database.ts';
import { fixedWindow } from '../../runtime/ratelimit/rate-limit-store.ts';
import { PostgresRateLimitStore, sharedRateLimitStore } from '../../runtime/ratelimit/shared-rate-limit-store.ts';
import { MemoryRateLimitStore } from '../../runtime/ratelimit/rate-limit-store.ts';
import { openTestDatabase, startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from '../platform/helpers.ts';

describe.runIf(process.env.DATABASE_URL)('PostgresRateLimitStore on two database handles', () => {
  let first: { db: Knex; drop(): Promise<void> };
  let second: Knex;

  beforeAll(async () => {
    first = await openTestDatabase('platform');
    const u = new URL(process.env.DATABASE_URL!);
    u.pathname = `/${(first.db.client as { config: { connection: { database: string } } }).config.connection.database}`;
    second = await openDatabase({ service: 'platform', url: u.toString() });
  }, 120_000);
  afterAll(async () => {
    await closeDatabase(second);
    await first?.drop();
  });

  it('two stores share one count', async () => {
    const [s1, s2] = [new PostgresRateLimitStore(first.db), new PostgresRateLimitStore(second)];
    expect(sharedRateLimitStore(first.db)).toBeInstanceOf(PostgresRateLimitStore);
    // Inside one clock-aligned minute, so all six hits share it.
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 5_000) await new Promise((r) => setTimeout(r, msLeft + 100));
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await (i % 2 ? s2 : s1).take('k:shared', fixedWindow(3)));
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false, false, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0, 0, 0]);
    expect(results[3]!.retryAfterSeconds).toBeGreaterThan(0);
    expect(results[3]!.resetAt % 60).toBe(0);
    // Concurrent hits from both stores: still exactly the limit.
    const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? s2 : s1).take('k:burst', fixedWindow(4))));
    expect(burst.filter((r) => r.allowed)).toHaveLength(4);
  });

  it('an hourly bucket refuses the second hit for about an hour', async () => {
    const rule = { kind: 'bucket', limit: 1, windowMs: 3_600_000 } as const;
    expect((await new PostgresRateLimitStore(first.db).take('k:hourly', rule)).allowed).toBe(true);
    const again = await new PostgresRateLimitStore(second).take('k:hourly', rule);
    expect(again.allowed).toBe(false);
    expect(again.retryAfterSeconds).toBeGreaterThan(3500);
  });
});

describe('per-key rate_limit and me/export through the platform server', () => {
  let svc: TestService;
  let call: ReturnType<typeof client>;

  beforeAll(async () => {
    svc = await startTestService('platform');
    call = client(svc, await adminKey(svc, 'limits'));
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
  });

  it('uses the store the database allows', () => {
    const embedded = !process.env.DATABASE_URL;
    expect(sharedRateLimitStore(svc.db)).toBeInstanceOf(embedded ? MemoryRateLimitStore : PostgresRateLimitStore);
  });

  it('a key with rate_limit 3 gets three answers a minute, then 429 with the headers', async () => {
    const made = await call('POST', 'keys', { label: 'limited', scopes: ['read'], rate_limit: 3 });
    expect(made.status).toBe(201);
    const msLeft = 60_000 - (Date.now() % 60_000);
    if (msLeft < 5_000) await new Promise((r) => setTimeout(r, msLeft + 100));
    const statuses = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${svc.api}object-types`, { headers: { authorization: `Bearer ${made.body.data.token}` } });
      statuses.push(res.status);
      if (res.status === 429) refused ??= res;
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    expect(refused!.headers.get('x-ratelimit-limit')).toBe('3');
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused!.json()).error.code).toMatch(/rate_limited/i);
    // A key without a limit is not counted.
    for (let i = 0; i < 5; i++) expect((await call('GET', 'object-types')).status).toBe(200);
  });

  it('me/export answers once an hour', async () => {
    const auth = (await call('POST', 'keys', { label: 'auth', scopes: ['auth'] })).body.data.token;
    const as = client(svc, auth);
    expect((await as('POST', 'auth/signup', { email: 'export@example.com', password: 'correct horse battery' })).status).toBe(201);
    const login = await as('POST', 'auth/login', { email: 'export@example.com', password: 'correct horse battery' });
    const user = client(svc, login.body.data.access_token);
    expect((await user('GET', 'auth/me/export')).status).toBe(200);
    const again = await user('GET', 'auth/me/export');
    expect(again.status).toBe(429);
  });
});
