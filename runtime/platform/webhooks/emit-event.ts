/**
 * Platform events → webhook deliveries. `emitEvent` runs inside the request transaction and only
 * records a pending row in pf_webhook_deliveries per matching active webhook (events list holds the
 * type or `*`; an object_types filter narrows object.* events), so an event is delivered only if the
 * change commits. `deliverDue` (deliver.ts) sends pending rows; the endpoints test, replay and retry
 * send at once and answer the receiver's status code.
 */
import type { Knex } from 'knex';
import { newId } from '../../security/random-ids.ts';
import { T } from '../tables.ts';
import { tenantPublicId } from '../tenants/public-id.ts';

export const WEBHOOKS = T.webhooks;
export const DELIVERIES = T.webhookDeliveries;

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

export function envelope(event: string, tenant: number, data: unknown, id = newId('evt')) {
  return { id, type: event, tenant_id: tenantPublicId(tenant), created_at: new Date().toISOString(), data };
}

function matches(hook: Record<string, unknown>, event: string, data: unknown): boolean {
  const status = typeof hook.status === 'string' ? hook.status : 'active';
  if (status !== 'active') return false;
  const events = list(hook.events);
  if (!events.includes('*') && !events.includes(event)) return false;
  const types = list(hook.object_types);
  if (types.length && event.startsWith('object.')) {
    const t = (data as { object_type_id?: string; object_type?: string } | null)?.object_type_id;
    return t !== undefined && types.includes(t);
  }
  return true;
}

/** Queues `event` for every matching webhook of the tenant; returns the delivery ids. */
export async function emitEvent(db: Knex, tenant: number, event: string, data: unknown): Promise<string[]> {
  const hooks = await db(WEBHOOKS).where({ company_id: tenant });
  const payload = envelope(event, tenant, data);
  const ids: string[] = [];
  for (const h of hooks.filter((x) => matches(x, event, data))) {
    const id = newId('whd');
    await db(DELIVERIES).insert({
      id,
      company_id: tenant,
      webhook_id: h.id,
      event,
      payload: JSON.stringify(payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: db.fn.now(),
      created_at: db.fn.now(),
      updated_at: db.fn.now(),
    });
    ids.push(id);
  }
  return ids;
}
