/**
 * `loopgen serve --workers 1` against `--workers 2` (node:cluster) on one PostgreSQL, same data as
 * crud.bench.ts: list (page of 20 with count) and get-one requests/s of each, and the ratio.
 * Each server is a real `serve` process; the load generator is autocannon in its own process.
 * On a 2-core machine that also runs PostgreSQL and the load generator, expect well under 2×.
 * Needs DATABASE_URL.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase } from '../helpers/test-service.ts';
import { serveProcess, type Serving } from '../serve/serve-process.ts';
import { load } from './crud/load.ts';
import { seedBookingShape, type BookingShape } from './crud/seed-shape.ts';

if (!process.env.DATABASE_URL) {
  console.log('workers bench: skipped (set DATABASE_URL; several processes cannot share embedded PGlite).');
  process.exit(0);
}
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);

const database = await openTestDatabase('loop');
const dir = await mkdtemp(join(tmpdir(), 'loopgen-workers-bench-'));
const settings = (database.db.client as unknown as { connectionSettings: { database: string } }).connectionSettings;
const url = new URL(process.env.DATABASE_URL);
url.pathname = `/${settings.database}`;
const env = {
  ...process.env,
  DATABASE_URL: url.toString(),
  LOOP_JWT_SECRET: 'workers-bench-secret-workers-bench-secret-01',
  LOG_LEVEL: 'warn',
  PORT: '',
};

let shape: BookingShape | undefined;
const rows: { workers: number; list: number; get: number }[] = [];
try {
  for (const workers of [1, 2]) {
    const serving: Serving = await serveProcess(['--workers', String(workers), '--port', '0', '--data-dir', dir], env);
    try {
      const api = `${serving.url}/api/v1/`;
      shape ??= await seedBookingShape({ api, db: database.db });
      const headers = { Authorization: `Bearer ${shape.access}`, 'X-Company-ID': shape.companyCode };
      const list = { url: `${api}booking/services/`, headers };
      const get = { url: `${api}booking/services/${shape.liveId}/`, headers };
      await load(list, { connections: CONNECTIONS, seconds: 3 });
      const l = await load(list, { connections: CONNECTIONS, seconds: SECONDS });
      const g = await load(get, { connections: CONNECTIONS, seconds: SECONDS });
      if (l.non2xx || g.non2xx) console.log(`  (${l.non2xx + g.non2xx} non-2xx answers with ${workers} worker(s))`);
      rows.push({ workers, list: l.rps, get: g.rps });
    } finally {
      await serving.stop();
    }
  }
  console.log(`serve --workers 1 vs 2 (PostgreSQL, ${CONNECTIONS} connections, ${SECONDS} s each)`);
  for (const r of rows) console.log(`  ${r.workers} worker(s): list ${r.list.toFixed(0)} req/s, get ${r.get.toFixed(0)} req/s`);
  const [one, two] = rows;
  if (one && two) console.log(`  2 / 1: list ${(two.list / one.list).toFixed(2)}, get ${(two.get / one.get).toFixed(2)}`);
} finally {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
}
