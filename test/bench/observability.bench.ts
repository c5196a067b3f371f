/**
 * Cost of request logs and metrics: list, get and create of LOOP `booking/services/` through the full
 * generated runtime, with observation on (a pino JSON line per request to /dev/null, the request
 * counter and latency histogram) and off, alternating rounds on the same server. Prints requests/s
 * of each and the ratio; no assertions. Real PostgreSQL when DATABASE_URL is set, PGlite otherwise.
 * Run: `npx tsx test/bench/observability.bench.ts` (BENCH_N requests per side, BENCH_CONCURRENCY clients).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createLogger, setLogger } from '../../runtime/observability/logger.ts';
import { setRequestObservation } from '../../runtime/observability/request-log.ts';
import { startTestService } from '../helpers/test-service.ts';

const N = Number(process.env.BENCH_N ?? 1200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROWS = 2000;

setLogger(createLogger({ level: 'info', format: 'json', destination: pino.destination({ dest: '/dev/null', sync: false }) }));
const svc = await startTestService('loop');
try {
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(svc.api + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) }).then(
      (r) => r.json(),
    );
  const reg = await post('auth/register/', {
    email: 'obs@example.com',
    username: 'obs',
    password: 'Bench-passw0rd!',
    company_name: 'Obs Co',
  });
  const { access } = await post('auth/login/', { email: 'obs@example.com', password: 'Bench-passw0rd!' });
  const headers = { Authorization: `Bearer ${access}`, 'X-Company-ID': reg.company.code as string, 'Content-Type': 'application/json' };
  const now = new Date();
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    company_id: reg.company.id,
    name: `Service ${i}`,
    duration_minutes: 30,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500) await svc.db('booking_services').insert(rows.slice(i, i + 500));
  await svc.db.raw('analyze booking_services');
  const ids = (await svc.db('booking_services').where('company_id', reg.company.id).limit(200).pluck('id')) as number[];

  let created = 0;
  const workloads: Record<string, (i: number) => Promise<Response>> = {
    list: (i) => fetch(`${svc.api}booking/services/?page=${(i % 50) + 1}`, { headers }),
    get: (i) => fetch(`${svc.api}booking/services/${ids[i % ids.length]}/`, { headers }),
    create: () =>
      fetch(`${svc.api}booking/services/`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `New ${created++}`, duration_minutes: 45 }),
      }),
  };
  for (const [name, call] of Object.entries(workloads)) {
    const r = await call(0);
    if (r.status >= 300) throw new Error(`${name}: ${r.status} ${(await r.text()).slice(0, 200)}`);
    await r.arrayBuffer().catch(() => undefined);
  }

  const run = async (call: (i: number) => Promise<Response>, n: number): Promise<number> => {
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < n) await (await call(next++)).arrayBuffer();
      }),
    );
    return n / ((performance.now() - t0) / 1000);
  };
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  console.log(`request logs + metrics on vs off (${db}, ${CONCURRENCY} clients, ${N} requests per side and workload)`);
  for (const [name, call] of Object.entries(workloads)) {
    setRequestObservation(true);
    await run(call, 100);
    setRequestObservation(false);
    await run(call, 100);
    const rounds = 4;
    let on = 0;
    let off = 0;
    for (let i = 0; i < rounds; i++) {
      setRequestObservation(true);
      on += (await run(call, N / rounds)) / rounds;
      setRequestObservation(false);
      off += (await run(call, N / rounds)) / rounds;
    }
    console.log(
      `  ${name.padEnd(6)} on ${on.toFixed(0).padStart(5)} req/s   off ${off.toFixed(0).padStart(5)} req/s   ratio ${(on / off).toFixed(2)}`,
    );
  }
} finally {
  setRequestObservation(true);
  await svc.close();
}
