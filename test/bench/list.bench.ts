/**
 * List throughput: an authenticated, tenant-scoped `GET booking/services/`
 * (a page of 20 out of 5,000 rows) through the full generated runtime — JWT, X-Company-ID,
 * membership + subscription, permission, list query, DRF page — against the same SQL in a bare
 * Express handler on the same database, in the same process. Prints requests/s of each and the
 * ratio (aim: ≥ 0.8). Real PostgreSQL when DATABASE_URL is set, PGlite otherwise.
 * Run: `npx tsx test/bench/list.bench.ts` (BENCH_N requests per side, BENCH_CONCURRENCY clients).
 */
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import express from 'express';
import { startTestService } from '../helpers/test-service.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROWS = 5000;

const svc = await startTestService('loop');
let bare: Server | undefined;
try {
  const post = (path: string, body: unknown) =>
    fetch(svc.api + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then((r) =>
      r.json(),
    );
  const reg = await post('auth/register/', {
    email: 'bench@example.com',
    username: 'bench',
    password: 'Bench-passw0rd!',
    company_name: 'Bench Co',
  });
  const companyId = reg.company.id as number;
  const { access } = await post('auth/login/', { email: 'bench@example.com', password: 'Bench-passw0rd!' });

  const now = new Date();
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    company_id: companyId,
    name: `Service ${String(i).padStart(5, '0')}`,
    duration_minutes: 30 + (i % 60),
    price: `${(i % 100) + 0.5}`,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500) await svc.db('booking_services').insert(rows.slice(i, i + 500));
  await svc.db.raw('analyze booking_services');

  // The bare handler: the same page query the runtime runs (columns, tenant filter, soft delete,
  // default ordering, window count), with no auth, tenancy or validation around it.
  const columns = (await svc
    .db('information_schema.columns')
    .where({ table_name: 'booking_services' })
    .whereRaw('table_schema = current_schema()')
    .orderBy('ordinal_position')
    .pluck('column_name')) as string[];
  const app = express();
  app.get('/booking/services/', async (req, res) => {
    const page = Number(req.query.page ?? 1);
    const list = await svc
      .db('booking_services')
      .where('company_id', companyId)
      .whereNull('deleted_at')
      .orderBy([{ column: 'name' }, { column: 'id' }])
      .select([...columns, svc.db.raw('count(*) over() as "__total"')])
      .limit(20)
      .offset((page - 1) * 20);
    const count = list.length ? Number(list[0].__total) : 0;
    res.json({ count, next: null, previous: null, results: list.map(({ __total, ...r }) => r) });
  });
  bare = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = bare.address();
  const bareUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/booking/services/`;

  interface Target {
    readonly url: string;
    readonly headers: Record<string, string>;
  }
  const full: Target = {
    url: `${svc.api}booking/services/`,
    headers: { Authorization: `Bearer ${access}`, 'X-Company-ID': reg.company.code as string },
  };
  const plain: Target = { url: bareUrl, headers: {} };

  const check = async (target: Target) => {
    const r = await fetch(target.url, { headers: target.headers });
    const body = (await r.json()) as { count: number; results: unknown[] };
    if (r.status !== 200 || body.count !== ROWS || body.results.length !== 20)
      throw new Error(`unexpected answer from ${target.url}: ${r.status} ${JSON.stringify(body).slice(0, 200)}`);
  };
  await check(full);
  await check(plain);

  const run = async (target: Target, n: number): Promise<number> => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) {
          const page = (next++ % 250) + 1;
          const r = await fetch(`${target.url}?page=${page}`, { headers: target.headers });
          await r.arrayBuffer();
        }
      }),
    );
    return n / ((performance.now() - t0) / 1000);
  };
  // Warm both, then alternate rounds so drift in the machine's load hits both sides alike.
  await run(full, 200);
  await run(plain, 200);
  const rounds = 4;
  let fullRps = 0;
  let bareRps = 0;
  for (let i = 0; i < rounds; i++) {
    fullRps += (await run(full, N / rounds)) / rounds;
    bareRps += (await run(plain, N / rounds)) / rounds;
  }
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  console.log(`list booking/services (page of 20 of ${ROWS}, ${db}, ${CONCURRENCY} clients, ${N} requests each)`);
  console.log(`  full generated runtime: ${fullRps.toFixed(0)} req/s`);
  console.log(`  bare Express + SQL:     ${bareRps.toFixed(0)} req/s`);
  console.log(`  ratio:                  ${(fullRps / bareRps).toFixed(2)} (aim ≥ 0.80)`);
} finally {
  await new Promise<void>((resolve) => (bare ? bare.close(() => resolve()) : resolve()));
  await svc.close();
}
