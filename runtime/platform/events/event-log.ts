/**
 * The platform's domain event log (transactional outbox, table pf_domain_events from
 * spec/platform/internal.yaml). Every platform write appends its event with the caller's transaction,
 * so an event exists exactly when the change committed; consumers (webhook dispatch, automations,
 * realtime) read the log in `seq` order. `seq` is global and monotonic (SSE `Last-Event-ID`); `id` is
 * the public `evt_…` id carried by webhook envelopes.
 *
 * `appendEvent` also raises NOTIFY `loopgen_events` with `{company_id, seq}`: PostgreSQL delivers a
 * notification only when its transaction commits, so listeners in any process wake for committed
 * events only. The log stays the truth; a missed notification is caught up by reading after a seq.
 */
import { EventEmitter } from 'node:events';
import type { Knex } from 'knex';
import { internalDomainEventResource } from '../../../generated/platform/server/internal.ts';
import { newId } from '../../security/random-ids.ts';
import { tenantPublicId } from '../tenants/public-id.ts';

export const DOMAIN_EVENTS = internalDomainEventResource.table;
/** The NOTIFY channel of committed events; the payload is `{"company_id":…,"seq":…}`. */
export const EVENTS_CHANNEL = 'loopgen_events';

/**
 * This process's committed appends (`'appended'`, no payload): the dispatcher of this process wakes at
 * once instead of waiting for NOTIFY or its next poll.
 */
export const localAppends = new EventEmitter();
localAppends.setMaxListeners(0);

export interface DomainEvent {
  readonly seq: number;
  readonly id: string;
  readonly type: string;
  readonly tenant: number;
  readonly data: unknown;
  readonly created_at: string;
}

/** The webhook/SSE wire form of an event (the same shape as webhooks/emit-event.ts `envelope`). */
export interface EventEnvelope {
  readonly id: string;
  readonly type: string;
  readonly tenant_id: string;
  readonly created_at: string;
  readonly data: unknown;
}

/** Appends one event inside `trx` (the write's own transaction) and notifies listeners on commit. */
export async function appendEvent(trx: Knex, tenant: number, type: string, data: unknown): Promise<{ id: string; seq: number }> {
  const id = newId('evt');
  const [row] = await trx(DOMAIN_EVENTS)
    .insert({ id, company_id: tenant, type, data: JSON.stringify(data ?? null) })
    .returning(['seq']);
  const seq = Number((row as { seq: number | string }).seq);
  await trx.raw(`select pg_notify(?, json_build_object('company_id', ?::bigint, 'seq', ?::bigint)::text)`, [EVENTS_CHANNEL, tenant, seq]);
  // A Knex transaction settles its executionPromise on commit or rollback; outside one the row is already committed.
  const settled = (trx as { executionPromise?: Promise<unknown> }).executionPromise;
  if (settled)
    settled.then(
      () => localAppends.emit('appended'),
      () => undefined,
    );
  else localAppends.emit('appended');
  return { id, seq };
}

function iso(v: unknown): string {
  return v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString();
}

function parsed(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export function rowToEvent(r: Record<string, unknown>): DomainEvent {
  return {
    seq: Number(r.seq),
    id: String(r.id),
    type: String(r.type),
    tenant: Number(r.company_id),
    data: parsed(r.data),
    created_at: iso(r.created_at),
  };
}

const COLUMNS = ['seq', 'id', 'company_id', 'type', 'data', 'created_at'];

/** The tenant's events after `afterSeq`, oldest first (resume from an SSE Last-Event-ID, catch up a consumer). */
export async function readEventsAfter(db: Knex, tenant: number, afterSeq: number, limit = 500): Promise<DomainEvent[]> {
  const rows = await db(DOMAIN_EVENTS)
    .where({ company_id: tenant })
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .select(COLUMNS);
  return rows.map(rowToEvent);
}

/** Every tenant's events after `afterSeq`, oldest first: for consumers that serve all tenants (the dispatcher). */
export async function readAllEventsAfter(db: Knex, afterSeq: number, limit = 500): Promise<DomainEvent[]> {
  const rows = await db(DOMAIN_EVENTS).where('seq', '>', afterSeq).orderBy('seq').limit(limit).select(COLUMNS);
  return rows.map(rowToEvent);
}

/** One event by seq (a consumer woken by a notification or a job naming the seq). */
export async function readEvent(db: Knex, seq: number): Promise<DomainEvent | null> {
  const row = await db(DOMAIN_EVENTS).where({ seq }).first(COLUMNS);
  return row ? rowToEvent(row) : null;
}

export function toEnvelope(e: DomainEvent): EventEnvelope {
  return { id: e.id, type: e.type, tenant_id: tenantPublicId(e.tenant), created_at: e.created_at, data: e.data };
}
