/**
 * Transactional outbox: `enqueueEvent` is called with the same transaction as the change that
 * caused the event, so a delivery exists if and only if the change committed. The payload is
 * frozen here as text: the bytes signed and sent on every retry are the bytes stored.
 */
import type { Knex } from 'knex';
import { R, T } from '../tables.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { newId } from '../../security/random-ids.ts';
import { now } from '../clock.ts';

export type EventType =
  | 'reservation.created'
  | 'reservation.updated'
  | 'reservation.confirmed'
  | 'reservation.cancelled'
  | 'reservation.deleted'
  | 'account.created'
  | 'account.updated';

/** `reservation.*` matches every reservation event; `*` matches all; otherwise exact. */
export function eventMatches(pattern: string, type: string): boolean {
  if (pattern === '*' || pattern === type) return true;
  return pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1));
}

export async function enqueueEvent(trx: Knex, type: EventType, data: unknown): Promise<number> {
  const hooks = await trx(T.webhooks).where({ active: true }).select('id', 'events');
  const targets = hooks.filter((h) => parseEvents(h.events).some((p) => eventMatches(p, type)));
  if (targets.length === 0) return 0;
  const at = now();
  const eventId = newId('evt', 8);
  const payload = JSON.stringify({ id: eventId, type, created: Math.floor(at.getTime() / 1000), data });
  const codec = codecOf(R.deliveries);
  await trx(T.deliveries).insert(
    targets.map((h) => ({
      ...codec.toColumns({
        webhook: h.id,
        event_id: eventId,
        event_type: type,
        payload,
        status: 'pending',
        attempts: 0,
        next_attempt_at: at,
      }),
      id: newId('whd', 8),
      created_at: at,
      updated_at: at,
    })),
  );
  return targets.length;
}

export function parseEvents(raw: unknown): string[] {
  const v = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return Array.isArray(v) ? v.map(String) : [];
}
