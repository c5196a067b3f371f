/**
 * The RoomLoop resources the hand-written parts of the service read and write, by short name. Every
 * table RoomLoop uses is a catalogue resource (spec/roomloop/*.yaml), so names, columns and codecs
 * (runtime/crud/row-codec.ts) come from the generated descriptors; none is typed again here.
 * All tables are global (no company_id).
 */
import type { ResourceDescriptor } from '../descriptor.ts';
import { accountsAccountResource } from '../../generated/roomloop/server/accounts.ts';
import { authApiKeyResource, authSessionResource } from '../../generated/roomloop/server/auth.ts';
import { facilitiesFacilityResource } from '../../generated/roomloop/server/facilities.ts';
import { reservationsReservationResource, reservationsReservationSlotResource } from '../../generated/roomloop/server/reservations.ts';
import {
  webhooksWebhookAttemptResource,
  webhooksWebhookDeliveryResource,
  webhooksWebhookResource,
} from '../../generated/roomloop/server/webhooks.ts';

export const R = {
  facilities: facilitiesFacilityResource,
  reservations: reservationsReservationResource,
  reservationSlots: reservationsReservationSlotResource,
  accounts: accountsAccountResource,
  sessions: authSessionResource,
  apiKeys: authApiKeyResource,
  webhooks: webhooksWebhookResource,
  deliveries: webhooksWebhookDeliveryResource,
  attempts: webhooksWebhookAttemptResource,
} as const satisfies Readonly<Record<string, ResourceDescriptor>>;

/** Table names, e.g. `T.reservations` → `rl_reservations`. */
export const T = Object.fromEntries(Object.entries(R).map(([k, d]) => [k, d.table])) as { readonly [K in keyof typeof R]: string };

/** PostgreSQL unique_violation. */
export const PG_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(e: unknown, table?: string): boolean {
  const err = e as { code?: string; table?: string; message?: string } | null;
  if (!err || err.code !== PG_UNIQUE_VIOLATION) return false;
  if (!table) return true;
  // pg sets `table`; PGlite may only name the constraint in the message.
  return err.table === table || (err.message ?? '').includes(table);
}
