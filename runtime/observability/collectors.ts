/**
 * Scrape-time gauges over a service's database: connection pool use, and the depth, outcomes and
 * oldest pending age of its outbox queues (webhook deliveries, the mail outbox). Reading the tables
 * at scrape time keeps the numbers right across several `serve` processes on one database, and costs
 * nothing between scrapes. Each query runs under a short statement timeout so a slow scrape never
 * holds a connection long.
 */
import type { Knex } from 'knex';
import { Gauge } from 'prom-client';
import { registry } from './metrics.ts';

/** Outbox tables the services keep (the table is only read where it exists in the service's schema). */
const QUEUES: readonly { readonly queue: string; readonly table: string; readonly pending: readonly string[] }[] = [
  { queue: 'webhook_deliveries', table: 'rl_webhook_deliveries', pending: ['pending'] },
  { queue: 'webhook_deliveries', table: 'pf_webhook_deliveries', pending: ['pending'] },
  { queue: 'mail_outbox', table: 'outbox_messages', pending: ['pending', 'sending'] },
];

interface Watched {
  readonly service: string;
  readonly db: Knex;
  tables?: Promise<typeof QUEUES>;
}

const watched = new Set<Watched>();

interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

function poolOf(db: Knex): TarnPool | undefined {
  const pool = (db.client as { pool?: Partial<TarnPool> }).pool;
  return pool && typeof pool.numUsed === 'function' ? (pool as TarnPool) : undefined;
}

new Gauge({
  name: 'loopgen_db_pool_connections',
  help: 'Database connections by state: used (checked out), free (idle in the pool), pending (requests waiting for one).',
  labelNames: ['service', 'state'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const w of watched) {
      const pool = poolOf(w.db);
      if (!pool) continue;
      this.set({ service: w.service, state: 'used' }, pool.numUsed());
      this.set({ service: w.service, state: 'free' }, pool.numFree());
      this.set({ service: w.service, state: 'pending' }, pool.numPendingAcquires());
    }
  },
});

interface QueueSample {
  readonly service: string;
  readonly queue: string;
  readonly counts: readonly { status: string; n: number }[];
  readonly oldestPendingSeconds: number;
}

/** One read of every watched queue, shared by the two gauges of a scrape (kept for a second). */
let recent: { at: number; samples: Promise<QueueSample[]> } | undefined;

function queueSamples(): Promise<QueueSample[]> {
  if (recent && Date.now() - recent.at < 1000) return recent.samples;
  recent = { at: Date.now(), samples: readQueues() };
  return recent.samples;
}

async function readQueues(): Promise<QueueSample[]> {
  const out: QueueSample[] = [];
  for (const w of watched) {
    for (const q of await (w.tables ??= presentQueues(w.db))) {
      const rows = await countByStatus(w.db, q.table).catch(() => undefined);
      if (!rows) continue;
      const waiting = rows.filter((r) => q.pending.includes(r.status)).map((r) => Number(r.oldest) || 0);
      out.push({
        service: w.service,
        queue: q.queue,
        counts: rows.map((r) => ({ status: r.status, n: Number(r.n) })),
        oldestPendingSeconds: Math.max(0, ...waiting),
      });
    }
  }
  return out;
}

new Gauge({
  name: 'loopgen_queue_jobs',
  help: 'Jobs in an outbox queue by status: webhook deliveries pending/delivered/failed, mail pending/sending/sent/failed.',
  labelNames: ['service', 'queue', 'status'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const s of await queueSamples()) for (const c of s.counts) this.inc({ service: s.service, queue: s.queue, status: c.status }, c.n);
  },
});

new Gauge({
  name: 'loopgen_queue_oldest_pending_age_seconds',
  help: 'Age of the oldest job still waiting in an outbox queue (0 when none waits).',
  labelNames: ['service', 'queue'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const s of await queueSamples()) this.set({ service: s.service, queue: s.queue }, s.oldestPendingSeconds);
  },
});

async function presentQueues(db: Knex): Promise<typeof QUEUES> {
  const found: (typeof QUEUES)[number][] = [];
  for (const q of QUEUES) {
    const { rows } = (await db.raw('select to_regclass(?) as t', [q.table]).catch(() => ({ rows: [{ t: null }] }))) as {
      rows: { t: unknown }[];
    };
    if (rows[0]?.t) found.push(q);
  }
  return found;
}

async function countByStatus(db: Knex, table: string): Promise<{ status: string; n: number; oldest: number | null }[]> {
  return db.transaction(async (trx) => {
    await trx.raw(`set local statement_timeout = 2000`);
    const { rows } = (await trx.raw(
      'select status, count(*)::int as n, extract(epoch from now() - min(created_at))::float8 as oldest from ?? group by status',
      [table],
    )) as { rows: { status: string; n: number; oldest: number | null }[] };
    return rows;
  });
}

/** Adds a service's database to the scrape; the returned function removes it. */
export function watchDatabase(service: string, db: Knex): () => void {
  const w: Watched = { service, db };
  watched.add(w);
  return () => {
    watched.delete(w);
  };
}
