/**
 * The outbox relay: hands each committed domain event (pf_domain_events, dispatched_at null) to its
 * consumers exactly once, across any number of processes. One short transaction claims a batch of
 * undispatched events (`FOR UPDATE SKIP LOCKED`: two dispatchers never take the same event), records a
 * pending pf_webhook_deliveries row per matching active webhook, sends one job per delivery and one per
 * interested consumer (automations) to the job engine *in the same transaction*, and marks the events
 * dispatched. A process that dies before commit leaves the events undispatched for the next one; after
 * commit the jobs exist and the engine runs them. The event log stays ordered by `seq`; consumers do not
 * rely on global order (deliveries carry the event's envelope).
 */
import type { Knex } from 'knex';
import type { JobEngine } from '../../jobs/job-engine.ts';
import { newId } from '../../security/random-ids.ts';
import { DELIVERIES, matches, WEBHOOKS } from '../webhooks/emit-event.ts';
import { DOMAIN_EVENTS, type DomainEvent, rowToEvent, toEnvelope } from './event-log.ts';

export const DELIVERY_QUEUE = 'platform.webhook-delivery';

/** A consumer of domain events run by the job engine: one job per event it wants, retried on throw. */
export interface EventConsumer {
  /** Its queue (created by the worker start with `retry`). */
  readonly queue: string;
  /** Which of a claimed batch it wants (read inside the claim transaction); default all. */
  wants?(trx: Knex, events: readonly DomainEvent[]): Promise<ReadonlySet<number>>;
  handle(db: Knex, event: DomainEvent): Promise<void>;
}

export interface DispatchResult {
  readonly events: number;
  readonly deliveries: number;
  readonly jobs: number;
}

const COLUMNS = ['seq', 'id', 'company_id', 'type', 'data', 'created_at'];

/**
 * Dispatches one batch of undispatched events; returns what it handed on (events 0: nothing waiting).
 * Without an engine (tests, an operator's one-off `deliverDue` where no worker runs) only the delivery
 * rows are recorded, for `deliverDue` to send, and consumers get no jobs.
 */
export async function dispatchBatch(
  db: Knex,
  engine: JobEngine | null,
  consumers: readonly EventConsumer[],
  batch = 200,
): Promise<DispatchResult> {
  return db.transaction(async (trx) => {
    const rows = await trx(DOMAIN_EVENTS).whereNull('dispatched_at').orderBy('seq').limit(batch).forUpdate().skipLocked().select(COLUMNS);
    if (rows.length === 0) return { events: 0, deliveries: 0, jobs: 0 };
    const events = rows.map(rowToEvent);
    const tenants = [...new Set(events.map((e) => e.tenant))];
    // pf_webhooks.company_id is text (the platform's prefixed-id tables); compare as text.
    const hooks = await trx(WEBHOOKS)
      .whereIn('company_id', tenants.map(String))
      .select('id', 'company_id', 'events', 'object_types', 'status');
    // One insert of every delivery row and one of their jobs: the batch costs a few round trips, not a few per event.
    const rowsOut: Record<string, unknown>[] = [];
    for (const e of events) {
      const payload = JSON.stringify(toEnvelope(e));
      for (const h of hooks.filter((x) => Number(x.company_id) === e.tenant && matches(x, e.type, e.data))) {
        rowsOut.push({
          id: newId('whd'),
          company_id: e.tenant,
          webhook_id: h.id,
          event: e.type,
          payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: trx.fn.now(),
          created_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        });
      }
    }
    if (rowsOut.length) await trx(DELIVERIES).insert(rowsOut);
    await engine?.sendMany(
      DELIVERY_QUEUE,
      rowsOut.map((r) => ({ delivery_id: r.id as string })),
      { trx },
    );
    let jobs = 0;
    for (const c of engine ? consumers : []) {
      const wanted = c.wants ? await c.wants(trx, events) : null;
      const seqs = events.filter((e) => !wanted || wanted.has(e.seq)).map((e) => ({ seq: e.seq }));
      await engine!.sendMany(c.queue, seqs, { trx });
      jobs += seqs.length;
    }
    await trx(DOMAIN_EVENTS)
      .whereIn(
        'seq',
        events.map((e) => e.seq),
      )
      .update({ dispatched_at: trx.fn.now() });
    return { events: events.length, deliveries: rowsOut.length, jobs };
  });
}

/** Dispatches until nothing is waiting; returns the number of events handed on. */
export async function dispatchAll(db: Knex, engine: JobEngine | null, consumers: readonly EventConsumer[]): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await dispatchBatch(db, engine, consumers);
    total += r.events;
    if (r.deliveries) engine?.wake(DELIVERY_QUEUE);
    if (r.jobs) for (const c of consumers) engine?.wake(c.queue);
    if (r.events === 0) return total;
  }
}
