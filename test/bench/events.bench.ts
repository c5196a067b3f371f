/**
 * Events from write to webhook delivery, through the generated platform server, the event log, the
 * dispatcher and the job engine (pg-boss) to a receiver on 127.0.0.1 — on PostgreSQL with DATABASE_URL,
 * else embedded PGlite. Prints, in one run:
 *  - object creates/s with no webhook subscribed (the baseline: the write and its event only);
 *  - events/s delivered when every create is subscribed (first write sent → last delivery received)
 *    and its ratio to the baseline;
 *  - the delay from a create's request to its delivery: p50, p99, max.
 * Run: `npx tsx test/bench/events.bench.ts` or `npm run bench events`. No assertions.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { startPlatformWorkers } from '../../runtime/platform/events/event-workers.ts';
import { startTestService } from '../helpers/test-service.ts';
import { adminKey, client } from '../platform/helpers.ts';

// Request log lines would dominate the measurement.
process.env.LOG_LEVEL ??= 'warn';
const N = Number(process.env.BENCH_N ?? 300);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);

const arrived = new Map<string, number>();
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const env = JSON.parse(body) as { type: string; data: { id?: string } };
    if (env.type === 'object.created' && env.data.id) arrived.set(env.data.id, performance.now());
    res.end();
  });
});
await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const svc = await startTestService('platform');
const workers = startPlatformWorkers(svc.db, { retryDelaySeconds: 1, pollMs: 1000, concurrency: 8 });
await workers.ready;

async function creates(call: ReturnType<typeof client>, typeId: string, n: number): Promise<{ ms: number; started: Map<string, number> }> {
  const started = new Map<string, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < n) {
        const i = next++;
        const at = performance.now();
        const r = await call('POST', `objects/${typeId}`, { properties: { title: `item ${i}` } });
        if (r.status !== 201) throw new Error(`create answered ${r.status}: ${JSON.stringify(r.body)}`);
        started.set(r.body.data.id as string, at);
      }
    }),
  );
  return { ms: performance.now() - t0, started };
}

async function tenant(name: string) {
  const call = client(svc, await adminKey(svc, name));
  const type = (await call('POST', 'object-types', { name: 'items' })).body.data;
  await call('POST', `object-types/${type.id}/properties`, { name: 'title', data_type: 'string' });
  return { call, typeId: type.id as string };
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

try {
  const db = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
  // Warm-up: connections, plans, the engine's first polls.
  const warm = await tenant('bench-warm');
  await creates(warm.call, warm.typeId, 30);

  const base = await tenant('bench-base');
  const b = await creates(base.call, base.typeId, N);
  const baseRate = (N / b.ms) * 1000;

  const hooked = await tenant('bench-hooked');
  await hooked.call('POST', 'webhooks', { url: receiverUrl, events: ['object.created'] });
  const t0 = performance.now();
  const h = await creates(hooked.call, hooked.typeId, N);
  const end = performance.now() + 120_000;
  while ([...h.started.keys()].some((id) => !arrived.has(id)) && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
  const ids = [...h.started.keys()].filter((id) => arrived.has(id));
  const last = Math.max(...ids.map((id) => arrived.get(id)!));
  const delays = ids.map((id) => arrived.get(id)! - h.started.get(id)!).sort((x, y) => x - y);
  const rate = (ids.length / (last - t0)) * 1000;

  console.log(`events bench on ${db}: ${N} creates, ${CLIENTS} concurrent clients`);
  console.log(`  creates/s, no webhook (baseline)     ${baseRate.toFixed(0)}`);
  console.log(
    `  events/s, write → webhook delivered  ${rate.toFixed(0)}  (${(rate / baseRate).toFixed(2)}× baseline; ${ids.length}/${N} delivered)`,
  );
  console.log(
    `  delay write → delivery  p50 ${pct(delays, 50).toFixed(0)} ms  p99 ${pct(delays, 99).toFixed(0)} ms  max ${delays.at(-1)!.toFixed(0)} ms`,
  );
} finally {
  await workers.stop();
  await svc.close();
  await new Promise((r) => receiver.close(r));
}
