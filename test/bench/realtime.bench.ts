/**
 * Realtime fan-out: domain events from write to an SSE client (GET /events/stream). Two workloads on one
 * platform server, each with SSE clients connected before the writes start:
 * - `api`: objects created through POST /v1/objects/:type (the write's transaction appends the event,
 *   NOTIFY on commit, the hub reads the log and writes the stream);
 * - `log`: events appended straight to the log (appendEvent, one per transaction), the fan-out alone.
 * Prints events/s written, events/s delivered to every client, the delivered/written ratio and the
 * write→client delay (p50, p99, max). No assertions. PostgreSQL with DATABASE_URL, PGlite otherwise.
 * Run: `npx tsx test/bench/realtime.bench.ts` (BENCH_N events per workload, BENCH_CONCURRENCY writers,
 * BENCH_CLIENTS SSE clients).
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createLogger, setLogger } from '../../runtime/observability/logger.ts';
import { appendEvent } from '../../runtime/platform/events/event-log.ts';
import { createPlatformKey } from '../../runtime/platform/index.ts';
import { startTestService } from '../helpers/test-service.ts';
import { openSse, type SseClient } from '../platform/realtime/realtime-clients.ts';

const N = Number(process.env.BENCH_N ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 4);

setLogger(createLogger({ level: 'warn', format: 'json', destination: pino.destination({ dest: '/dev/null', sync: false }) }));
const svc = await startTestService('platform');
try {
  const { key, tenantId } = await createPlatformKey(svc.db, { tenant: 'bench-rt' });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const type = await (await fetch(`${svc.api}object-types`, { method: 'POST', headers, body: JSON.stringify({ name: 'ticks' }) })).json();
  const typeId = type.data.id as string;

  async function run(name: string, write: (i: number) => Promise<string>, idOf: (data: any) => string | undefined): Promise<void> {
    const clients: SseClient[] = [];
    for (let c = 0; c < CLIENTS; c++) {
      const sse = await openSse(`${svc.url}/events/stream`, key);
      await sse.waitFor((r) => r.event === 'ready');
      clients.push(sse);
    }
    const started = new Map<string, number>();
    const committed = new Map<string, number>();
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const i = next++;
          const before = performance.now();
          const id = await write(i);
          started.set(id, before);
          committed.set(id, performance.now());
        }
      }),
    );
    const written = performance.now();
    const delays: number[] = [];
    const afterCommit: number[] = [];
    let last = written;
    for (const sse of clients) {
      const mine = () => sse.received.filter((r) => r.event !== 'ready' && started.has(idOf(r.data) ?? ''));
      const deadline = Date.now() + 60_000;
      while (mine().length < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const r of mine()) {
        delays.push(r.at - started.get(idOf(r.data)!)!);
        afterCommit.push(r.at - committed.get(idOf(r.data)!)!);
        last = Math.max(last, r.at);
      }
      sse.close();
    }
    delays.sort((x, y) => x - y);
    afterCommit.sort((x, y) => x - y);
    const pct = (p: number, xs = delays) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
    const writeRate = N / ((written - t0) / 1000);
    const deliverRate = delays.length / CLIENTS / ((last - t0) / 1000);
    console.log(
      `${name.padEnd(4)} ${N} events, ${CONCURRENCY} writers, ${CLIENTS} SSE clients: written ${writeRate.toFixed(0)}/s, ` +
        `delivered ${deliverRate.toFixed(0)}/s per client (ratio ${(deliverRate / writeRate).toFixed(2)}), ` +
        `received ${delays.length}/${N * CLIENTS}; write→client delay p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms, max ${(delays.at(-1) ?? NaN).toFixed(1)} ms` +
        ` (from the write's answer: p50 ${pct(50, afterCommit).toFixed(1)} ms, p99 ${pct(99, afterCommit).toFixed(1)} ms)`,
    );
  }

  await run(
    'api',
    async () => {
      const res = await fetch(`${svc.api}objects/${typeId}`, { method: 'POST', headers, body: JSON.stringify({ properties: {} }) });
      if (res.status !== 201) throw new Error(`create: ${res.status} ${(await res.text()).slice(0, 200)}`);
      return ((await res.json()) as { data: { id: string } }).data.id;
    },
    (d) => d?.data?.id,
  );
  await run(
    'log',
    async (i) => {
      const id = `bench-${i}`;
      await svc.db.transaction((trx) => appendEvent(trx, tenantId, 'custom', { id }));
      return id;
    },
    (d) => d?.data?.id,
  );
  console.log(`database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);
} finally {
  await svc.close();
}
