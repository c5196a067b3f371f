/**
 * Automation runs that failed for good (a step's own mistake, or MAX_ATTEMPTS retryable failures)
 * become dead letters: pf_records rows of kind `automation_dead_letters` (parent = the automation)
 * holding the event, the last run and its error. GET /v1/dlq lists them beside the webhook
 * deliveries that failed for good (runtime/platform/operations/dead-letters.ts); retry runs the
 * automation once more on the stored event, discard deletes the letter.
 */
import type { Knex } from 'knex';
import type { DomainEvent } from '../events/event-log.ts';
import { newId } from '../../security/random-ids.ts';
import { T } from '../tables.ts';

export const KIND = 'automation_dead_letters';

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));

export async function deadLetter(
  trx: Knex,
  tenant: number,
  d: { automationId: string; runId: string; event: DomainEvent; error: string | null; attempts: number },
): Promise<string> {
  const id = newId('dlq');
  const { seq, id: eventId, type, tenant: eventTenant, data, created_at } = d.event;
  await trx(T.records).insert({
    id,
    company_id: tenant,
    kind: KIND,
    parent_id: d.automationId,
    data: JSON.stringify({
      run_id: d.runId,
      error: d.error,
      attempts: d.attempts,
      event: { id: eventId, seq: Number(seq), type, tenant: eventTenant, data, created_at },
    }),
    created_at: trx.fn.now(),
    updated_at: trx.fn.now(),
  });
  return id;
}

export function deadLetters(db: Knex, tenant: number) {
  return db(T.records).where({ company_id: tenant, kind: KIND });
}

/** The DLQ message of a letter, in the shape the webhook ones have (id, source, error, attempts, times). */
export function letterView(r: Record<string, any>) {
  const data = (r.data ?? {}) as Record<string, any>;
  return {
    id: r.id,
    source: 'automation_run',
    automation_id: r.parent_id,
    run_id: data.run_id ?? null,
    event: data.event?.type ?? null,
    event_id: data.event?.id ?? null,
    status: 'failed',
    attempts: Number(data.attempts ?? 0),
    error: data.error ?? null,
    payload: data.event?.data ?? null,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

/** The stored event of a letter, as the event log would hand it over. */
export function letterEvent(r: Record<string, any>): DomainEvent {
  const e = (r.data?.event ?? {}) as Record<string, any>;
  return {
    id: String(e.id),
    seq: Number(e.seq),
    type: String(e.type),
    tenant: Number(e.tenant),
    data: e.data ?? {},
    created_at: String(e.created_at),
  };
}
