/**
 * Platform events → webhook deliveries. Events are appended to the domain event log in the writing
 * transaction (events/event-log.ts); the dispatcher (events/dispatcher.ts) records a pending row in
 * pf_webhook_deliveries per matching active webhook (`matches`: events list holds the type or `*`; an
 * object_types filter narrows object.* events) and hands each row to the job engine, which sends it
 * (deliver.ts). The endpoints test, replay and retry send at once and answer the receiver's status code.
 */
import type { Knex } from 'knex';
import { newId } from '../../security/random-ids.ts';
import { T } from '../tables.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import { appendEvent } from '../events/event-log.ts';

export const WEBHOOKS = T.webhooks;
export const DELIVERIES = T.webhookDeliveries;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function envelope(event: string, tenant: number, data: unknown, id = newId('evt')) {
  return { id, type: event, tenant_id: tenantPublicId(tenant), created_at: new Date().toISOString(), data };
}

export function matches(hook: Record<string, unknown>, event: string, data: unknown): boolean {
  const status = typeof hook.status === 'string' ? hook.status : 'active';
  if (status !== 'active') return false;
  const events = list(hook.events);
  // `*` is every event, `object.*` every object event.
  if (!events.some((p) => p === '*' || p === event || (p.endsWith('.*') && event.startsWith(p.slice(0, -1))))) return false;
  const types = list(hook.object_types);
  if (types.length && event.startsWith('object.')) {
    const t = (data as { object_type_id?: string; object_type?: string } | null)?.object_type_id;
    return t !== undefined && types.includes(t);
  }
  return true;
}

/**
 * Appends `event` to the domain event log in `db` (the caller's transaction); the dispatcher
 * (events/dispatcher.ts) turns it into a delivery for every matching webhook once it commits.
 * Returns the event id. Kept for the call sites that predate the event log; new code calls appendEvent.
 */
export async function emitEvent(db: Knex, tenant: number, event: string, data: unknown): Promise<string[]> {
  return [(await appendEvent(db, tenant, event, data)).id];
}
