/**
 * The platform's background work, on the job engine (runtime/jobs/, pg-boss): the dispatcher
 * (dispatcher.ts) turns committed domain events into webhook-delivery jobs and automation jobs; the
 * workers send each delivery (retried with back-off by the engine, MAX_ATTEMPTS in all, then the row
 * is `failed` — the DLQ) and run the automations of each event (automation/on-event.ts).
 *
 * The dispatcher wakes on this process's own commits (event-log.ts `localAppends`), on NOTIFY
 * `loopgen_events` from other processes (PostgreSQL), and every `pollMs` as a safety net (a
 * notification lost while a listener reconnects). Several processes may run all of this on one
 * database: events are claimed with SKIP LOCKED and jobs by pg-boss, so each delivery happens once.
 */
import type { Knex } from 'knex';
import pg from 'pg';
import { MAX_ATTEMPTS } from '../../effects/webhooks/attempt-delivery.ts';
import type { JobEngine } from '../../jobs/job-engine.ts';
import { isPglite } from '../../jobs/knex-executor.ts';
import { startJobEngine } from '../../jobs/pg-boss-engine.ts';
import { T } from '../tables.ts';
import { attemptDelivery, type DeliverOptions } from '../webhooks/deliver.ts';
import { DELIVERIES } from '../webhooks/emit-event.ts';
import { DELIVERY_QUEUE, dispatchAll, type EventConsumer } from './dispatcher.ts';
import { type DomainEvent, EVENTS_CHANNEL, localAppends, readEvent } from './event-log.ts';

export const AUTOMATION_QUEUE = 'platform.automations';

export interface PlatformWorkerOptions extends DeliverOptions {
  /** First retry delay of deliveries and automation runs (doubled each retry); default WEBHOOK_RETRY_DELAY_SECONDS or 30. */
  readonly retryDelaySeconds?: number;
  /** Safety-net poll of the event log; default 1000 ms. */
  readonly pollMs?: number;
  /** Deliveries one fetch claims and sends side by side (two fetch loops per process); default 8. */
  readonly concurrency?: number;
  /** Consumers besides automations (tests, other helpers). */
  readonly consumers?: readonly EventConsumer[];
}

export interface PlatformWorkers {
  /** Resolves once the engine runs (rejects when it could not start). */
  readonly ready: Promise<JobEngine>;
  stop(): Promise<void>;
}

/** The automation consumer, when runtime/platform/automation/on-event.ts provides `runAutomationsForEvent`. */
async function automationConsumer(): Promise<EventConsumer | null> {
  const mod = (await import('../automation/on-event.ts').catch(() => null)) as {
    runAutomationsForEvent?: (db: Knex, e: DomainEvent) => Promise<void>;
  } | null;
  const run = mod?.runAutomationsForEvent;
  if (!run) return null;
  return {
    queue: AUTOMATION_QUEUE,
    // Only events some enabled automation of the tenant triggers on (type, `family.*` or `*`) become jobs.
    async wants(trx, events) {
      const tenants = [...new Set(events.map((e) => String(e.tenant)))];
      const rows = await trx(T.automations)
        .whereIn('company_id', tenants)
        .andWhere((q) => q.whereNull('enabled').orWhere('enabled', true))
        .select('company_id', 'trigger_event');
      const triggers = new Set(rows.map((r) => `${r.company_id}|${r.trigger_event}`));
      const out = new Set<number>();
      for (const e of events) {
        const family = e.type.includes('.') ? `${e.type.slice(0, e.type.indexOf('.'))}.*` : null;
        if ([e.type, family, '*'].some((t) => t && triggers.has(`${e.tenant}|${t}`))) out.add(e.seq);
      }
      return out;
    },
    handle: run,
  };
}

export function startPlatformWorkers(db: Knex, opts: PlatformWorkerOptions = {}): PlatformWorkers {
  const retryDelaySeconds = opts.retryDelaySeconds ?? (Number(process.env.WEBHOOK_RETRY_DELAY_SECONDS) || 30);
  let stopped = false;
  let consumers: EventConsumer[] = [];
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let listener: pg.Client | undefined;

  const ready = (async () => {
    const engine = await startJobEngine(db);
    await engine.queue(DELIVERY_QUEUE, {
      retryLimit: MAX_ATTEMPTS - 1,
      retryDelaySeconds,
      retryBackoff: true,
      // An attempt is bounded by its HTTP timeout; a job active longer belonged to a process that died.
      expireInSeconds: 120,
    });
    const auto = await automationConsumer();
    consumers = [...(auto ? [auto] : []), ...(opts.consumers ?? [])];
    for (const c of consumers) await engine.queue(c.queue, { retryLimit: 5, retryDelaySeconds, retryBackoff: true, expireInSeconds: 300 });
    const deliverOpts: DeliverOptions = { fetch: opts.fetch, timeoutMs: opts.timeoutMs, backoffBaseMs: retryDelaySeconds * 1000 };
    await engine.work<{ delivery_id: string }>(
      DELIVERY_QUEUE,
      async ({ delivery_id }) => {
        const row = await db(DELIVERIES).where({ id: delivery_id }).first('status');
        // Delivered, dead-lettered or discarded meanwhile (a manual retry, DLQ discard): nothing to do.
        if (!row || row.status !== 'pending') return;
        const after = await attemptDelivery(db, delivery_id, deliverOpts);
        // A failed attempt with attempts left throws, so the engine retries it after its back-off.
        if (after.status === 'pending') throw new Error(`delivery ${delivery_id}: ${after.error ?? 'failed'}`);
      },
      { pollingIntervalSeconds: 1, concurrency: 2, batchSize: opts.concurrency ?? 8 },
    );
    for (const c of consumers)
      await engine.work<{ seq: number }>(
        c.queue,
        async ({ seq }) => {
          const event = await readEvent(db, seq);
          if (event) await c.handle(db, event);
        },
        { pollingIntervalSeconds: 1, concurrency: 2 },
      );
    if (stopped) return engine;
    if (!isPglite(db)) listener = await listen(db, kick);
    localAppends.on('appended', kick);
    timer = setInterval(kick, opts.pollMs ?? 1000);
    kick();
    return engine;
  })();
  ready.catch((e) => console.error('[platform workers] could not start:', (e as Error).message));

  /** One dispatch pass at a time; a wake during a pass runs one more pass after it. */
  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      const engine = await ready;
      do {
        again = false;
        await dispatchAll(db, engine, consumers).catch((e) => console.error('[platform dispatcher]', (e as Error).message));
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  }

  return {
    ready,
    async stop() {
      stopped = true;
      clearInterval(timer);
      localAppends.off('appended', kick);
      await listener?.end().catch(() => undefined);
      await running;
      const engine = await ready.catch(() => null);
      await engine?.stop();
    },
  };
}

/** LISTEN loopgen_events on a connection of its own (a pooled one would be handed back to the pool). */
async function listen(db: Knex, onEvent: () => void): Promise<pg.Client | undefined> {
  const connection = (db.client as { config: { connection?: unknown } }).config.connection;
  const client = new pg.Client(typeof connection === 'string' ? { connectionString: connection } : (connection as pg.ClientConfig));
  try {
    await client.connect();
    client.on('notification', onEvent);
    // The poll covers the gap if this connection drops; the error is logged, not thrown.
    client.on('error', (e) => console.error('[platform dispatcher] LISTEN connection:', e.message));
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    return client;
  } catch (e) {
    console.error('[platform dispatcher] LISTEN unavailable, polling only:', (e as Error).message);
    await client.end().catch(() => undefined);
    return undefined;
  }
}
