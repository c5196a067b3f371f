/**
 * RoomLoop export memory (an export of 100,000 rows must not load them at once). Bulk-inserts 10,000 and
 * 100,000 reservations straight into the database (one INSERT … SELECT generate_series each; real
 * PostgreSQL when DATABASE_URL is set, else PGlite), then downloads GET /v1/reports/export.csv and
 * export.xlsx for each set through the generated server and prints, per download, the bytes, the
 * DB round trips, the largest DB result and the peak growth of heap (+ArrayBuffers) and RSS while
 * it ran, and the 100k/10k ratios. Streaming means memory ratios near 1 while the byte ratio is ~10.
 * The client reads the body chunk by chunk and keeps nothing, so it adds no memory of its own.
 * Run: `npx tsx --expose-gc test/bench/exports.bench.ts` (gc() gives steadier baselines). No assertions.
 */
import type { Knex } from 'knex';
import { createRoomloopKey } from '../../runtime/roomloop/auth/api-keys.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { startTestService } from '../helpers/test-service.ts';

const SIZES = [10_000, 100_000];
const gc = (globalThis as { gc?: () => void }).gc;
const MB = (n: number) => (n / 1024 / 1024).toFixed(1);
// Growth below 1 MB is noise: floor the divisor there so a ~0 baseline does not explode the ratio.
const ratio = (big: number, small: number) => (Math.max(big, 0) / Math.max(small, 1024 * 1024)).toFixed(2);

/** N reservations on a new facility, six a day from 2030-01-01, in one statement. */
async function seedReservations(db: Knex, n: number, user: string): Promise<string> {
  const facility = `fac_bench_${n}`;
  await db(T.facilities).insert({
    id: facility,
    name: `Bench Room ${n}`,
    type: 'classroom',
    building: 'Bench',
    capacity: 30,
    slots: JSON.stringify(
      [1, 2, 3, 4, 5, 6].map((s) => ({ number: s, label: `P${s}`, start: `0${s + 7}:00`.slice(-5), end: `0${s + 7}:50`.slice(-5) })),
    ),
  });
  await db.raw(
    `insert into ?? (id, facility_id, user_id, date, start_slot, end_slot, purpose, status)
     select ? || lpad(g::text, 7, '0'), ?, ?, date '2030-01-01' + (g / 6), g % 6 + 1, g % 6 + 1,
            'Bench lesson ' || g || ' — ' || repeat('x', 60), 'confirmed'
     from generate_series(0, ? - 1) g`,
    [T.reservations, `res_b${n}_`, facility, user, n],
  );
  return facility;
}

interface Sample {
  bytes: number;
  lines: number;
  queries: number;
  maxRows: number;
  heap: number;
  live: number;
  rss: number;
}

async function download(db: Knex, url: string, key: string): Promise<Sample> {
  gc?.();
  const base = process.memoryUsage();
  const mem = () => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
    peakRss = Math.max(peakRss, m.rss - base.rss);
  };
  let peakHeap = 0;
  let peakRss = 0;
  // Peak heap counts garbage V8 has not collected yet; "live" forces a full GC now and then (with
  // --expose-gc) and measures what the download really keeps reachable.
  let peakLive = 0;
  let chunks = 0;
  const live = () => {
    if (!gc) return;
    gc();
    const m = process.memoryUsage();
    peakLive = Math.max(peakLive, m.heapUsed + m.arrayBuffers - base.heapUsed - base.arrayBuffers);
  };
  let queries = 0;
  let maxRows = 0;
  const onQuery = () => queries++;
  const onResponse = (r: unknown) => {
    if (Array.isArray(r)) maxRows = Math.max(maxRows, r.length);
  };
  db.on('query', onQuery).on('query-response', onResponse);
  const timer = setInterval(mem, 5);
  try {
    const res = await fetch(url, { headers: { Authorization: `Bearer ${key}` } });
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
    let bytes = 0;
    let lines = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const b of chunk) if (b === 10) lines++;
      mem();
      if (++chunks % 64 === 0) live();
    }
    return { bytes, lines, queries, maxRows, heap: peakHeap, live: peakLive, rss: peakRss };
  } finally {
    clearInterval(timer);
    db.off('query', onQuery).off('query-response', onResponse);
  }
}

const svc = await startTestService('roomloop');
try {
  const key = (await createRoomloopKey(svc.db, { role: 'admin' })).key;
  const [acc] = await svc
    .db(T.accounts)
    .insert({ id: 'usr_bench', email: 'bench@school.test', name: 'Bench Teacher', role: 'teacher' })
    .returning('id');
  const facilities = new Map<number, string>();
  for (const n of SIZES) {
    const t0 = performance.now();
    facilities.set(n, await seedReservations(svc.db, n, acc.id as string));
    console.log(`inserted ${n} reservations in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  console.log(
    `database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite (in-process: its WASM memory counts in RSS)'}; gc(): ${gc ? 'yes' : 'no (run with --expose-gc)'}`,
  );
  for (const ext of ['csv', 'xlsx']) {
    const url = (n: number) => `${svc.api}reports/export.${ext}?facility_id=${facilities.get(n)}`;
    await download(svc.db, url(SIZES[0]!), key); // warm-up: JIT, module loading, query plans
    const got: Sample[] = [];
    for (const n of SIZES) {
      const s = await download(svc.db, url(n), key);
      got.push(s);
      console.log(
        `${ext} ${String(n).padStart(6)} rows: ${MB(s.bytes).padStart(6)} MB${ext === 'csv' ? `, ${s.lines} lines` : ''}, ${s.queries} DB queries (largest result ${s.maxRows} rows), peak heap+buffers +${MB(s.heap)} MB (live after GC +${MB(s.live)} MB), peak RSS +${MB(s.rss)} MB`,
      );
    }
    const [a, b] = got as [Sample, Sample];
    console.log(
      `${ext} ratio 100k/10k: bytes ${(b.bytes / a.bytes).toFixed(1)}, peak heap ${ratio(b.heap, a.heap)}, live heap ${ratio(b.live, a.live)}, peak RSS ${ratio(b.rss, a.rss)}`,
    );
  }
} finally {
  await svc.close();
}
