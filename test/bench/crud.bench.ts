/**
 * Generated CRUD against a bare Express + pg handler (issue 14): list (catalogue order and by id),
 * get one and create (with its audit row) on `booking/services`, measured side by side in one run.
 *
 * Data shape: company `001` holds 7,500 booking services of which 4,750 are live (2,750 soft-deleted),
 * and a second company 2,500 more — 10,000 rows in the table. Load: autocannon in a worker thread,
 * BENCH_CONNECTIONS (50) connections, rounds of BENCH_SECONDS (8) per side after a warm-up,
 * alternating LOOP and bare so drift in the machine's load hits both alike. Prints requests/s and the
 * ratio LOOP / bare for each workload; never asserts on time.
 *
 * BENCH_PROFILE=<dir>: also records a CPU profile of the LOOP server (this process) for each workload
 * and prints its top self-time frames (scripts/cpu-profile-summary.ts).
 * Needs PostgreSQL (DATABASE_URL); the bare handler speaks the pg wire protocol.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { startTestService } from '../helpers/test-service.ts';
import { summariseProfile, type CpuProfile } from '../../scripts/cpu-profile-summary.ts';
import { startBareServer, type BareServer } from './crud/bare-server.ts';
import { load, type LoadTarget } from './crud/load.ts';
import { seedBookingShape } from './crud/seed-shape.ts';

if (!process.env.DATABASE_URL) {
  console.log('crud bench: skipped (set DATABASE_URL; the bare baseline needs PostgreSQL).');
  process.exit(0);
}
// Request logs off (the bare handler has none; test/bench/observability.bench.ts measures them); metrics stay on.
process.env.LOG_LEVEL ??= 'warn';
process.env.LOOP_JWT_SECRET ??= 'bench-secret-bench-secret-bench-secret-0123456789';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const WARM = Number(process.env.BENCH_WARM_SECONDS ?? 3);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const ONLY = process.env.BENCH_ONLY?.split(',');

const svc = await startTestService('loop');
let bare: BareServer | undefined;
try {
  const shape = await seedBookingShape(svc);
  // The test database's own settings (knex parsed the URL), so both servers use one database.
  const connection = (svc.db.client as unknown as { connectionSettings: object }).connectionSettings;
  bare = await startBareServer({ connection, schema: 'loop', jwtSecret: process.env.LOOP_JWT_SECRET, poolMax: 10 });
  const headers = { Authorization: `Bearer ${shape.access}`, 'X-Company-ID': shape.companyCode };
  const json = { ...headers, 'Content-Type': 'application/json' };
  const createBody = JSON.stringify({ name: 'Bench [<id>]', duration_minutes: 30, price: '12.50' });
  const workloads: { name: string; loop: LoadTarget; bare: LoadTarget }[] = [
    {
      name: 'list (catalogue order: name)',
      loop: { url: `${svc.api}booking/services/`, headers },
      bare: { url: `${bare.url}/booking/services/`, headers },
    },
    {
      name: 'list ?ordering=id',
      loop: { url: `${svc.api}booking/services/?ordering=id`, headers },
      bare: { url: `${bare.url}/booking/services/?ordering=id`, headers },
    },
    {
      name: 'get one',
      loop: { url: `${svc.api}booking/services/${shape.liveId}/`, headers },
      bare: { url: `${bare.url}/booking/services/${shape.liveId}/`, headers },
    },
    {
      name: 'create (+ audit row)',
      loop: { url: `${svc.api}booking/services/`, method: 'POST', headers: json, body: createBody },
      bare: { url: `${bare.url}/booking/services/`, method: 'POST', headers: json, body: createBody },
    },
  ];
  await checkSame(workloads);

  const opts = { connections: CONNECTIONS, seconds: SECONDS };
  const results: { name: string; loop: number; bare: number; loopCpu: number; bareCpu: number; bad: number }[] = [];
  for (const w of workloads) {
    if (ONLY && !ONLY.some((o) => w.name.startsWith(o))) continue;
    await load(w.loop, { connections: CONNECTIONS, seconds: WARM });
    await load(w.bare, { connections: CONNECTIONS, seconds: WARM });
    const sides = { loop: { rps: 0, cpu: 0, n: 0 }, bare: { rps: 0, cpu: 0, n: 0 } };
    let bad = 0;
    const measure = async (side: 'loop' | 'bare', profile: boolean) => {
      // CPU of this process (the server under load; the load generator runs in a child process).
      const cpu0 = process.cpuUsage();
      const r = await (profile ? profiled(w.name, () => load(w[side], opts)) : load(w[side], opts));
      const cpu = process.cpuUsage(cpu0);
      sides[side].rps += r.rps / ROUNDS;
      sides[side].cpu += cpu.user + cpu.system;
      sides[side].n += r.total;
      bad += r.non2xx + r.errors;
    };
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate who goes first, so a slow stretch of the shared machine hits both sides alike.
      const order: ('loop' | 'bare')[] = i % 2 ? ['bare', 'loop'] : ['loop', 'bare'];
      for (const side of order) await measure(side, side === 'loop' && !!PROFILE_DIR && i === 0);
    }
    results.push({
      name: w.name,
      loop: sides.loop.rps,
      bare: sides.bare.rps,
      loopCpu: sides.loop.cpu / Math.max(1, sides.loop.n),
      bareCpu: sides.bare.cpu / Math.max(1, sides.bare.n),
      bad,
    });
  }
  console.log(`booking/services, PostgreSQL, ${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS} s per side (after ${WARM} s warm-up)`);
  console.log(
    `${'workload'.padEnd(30)} ${'LOOP req/s'.padStart(11)} ${'bare req/s'.padStart(11)}  ratio  ${'LOOP µs CPU/req'.padStart(16)} ${'bare µs CPU/req'.padStart(16)}`,
  );
  for (const r of results) {
    const note = r.bad ? `  (${r.bad} non-2xx/errors!)` : '';
    console.log(
      `${r.name.padEnd(30)} ${r.loop.toFixed(0).padStart(11)} ${r.bare.toFixed(0).padStart(11)}  ${(r.loop / r.bare).toFixed(2)}  ` +
        `${r.loopCpu.toFixed(0).padStart(16)} ${r.bareCpu.toFixed(0).padStart(16)}${note}`,
    );
  }
  console.log(
    'ratio = LOOP req/s ÷ bare req/s (aim ≥ 1.00); CPU per request is the server process only (less sensitive to a busy machine).',
  );
} finally {
  await bare?.close();
  await svc.close();
}

/** Both servers answer every workload with 2xx and, for reads, the same count / row. */
async function checkSame(workloads: readonly { name: string; loop: LoadTarget; bare: LoadTarget }[]): Promise<void> {
  for (const w of workloads) {
    const send = async (t: LoadTarget) => {
      const r = await fetch(t.url, {
        method: t.method ?? 'GET',
        headers: t.headers,
        body: t.body?.replace('[<id>]', `check-${t.url.length}`),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    };
    const [a, b] = [await send(w.loop), await send(w.bare)];
    if (a.status >= 300 || b.status >= 300)
      throw new Error(`${w.name}: LOOP ${a.status}, bare ${b.status}: ${JSON.stringify([a.body, b.body]).slice(0, 300)}`);
    if (w.loop.method !== 'POST' && (a.body.count !== b.body.count || a.body.id !== b.body.id)) {
      throw new Error(`${w.name}: answers differ: ${JSON.stringify([a.body.count ?? a.body.id, b.body.count ?? b.body.id])}`);
    }
  }
}

/** Runs `work` under the inspector's CPU profiler (this thread: the LOOP server) and prints the summary. */
async function profiled<T>(name: string, work: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  const out = await work();
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  mkdirSync(PROFILE_DIR!, { recursive: true });
  const file = join(PROFILE_DIR!, `${name.replace(/[^a-z0-9]+/gi, '-')}.cpuprofile`);
  writeFileSync(file, JSON.stringify(profile));
  console.log(`\n-- CPU profile of LOOP, ${name} (${file}) --`);
  for (const l of summariseProfile(profile, 20)) console.log(l);
  return out;
}
