/**
 * Table names of the RoomLoop catalogue (spec/roomloop/*.yaml declares each with `table:`), so the
 * hand-written parts of the service name them in one place. All tables are global (no company_id).
 */
export const T = {
  facilities: 'rl_facilities',
  reservations: 'rl_reservations',
  reservationSlots: 'rl_reservation_slots',
  accounts: 'rl_accounts',
  sessions: 'rl_sessions',
  apiKeys: 'rl_api_keys',
  webhooks: 'rl_webhooks',
  deliveries: 'rl_webhook_deliveries',
  attempts: 'rl_webhook_attempts',
} as const;

/** PostgreSQL unique_violation. */
export const PG_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(e: unknown, table?: string): boolean {
  const err = e as { code?: string; table?: string; message?: string } | null;
  if (!err || err.code !== PG_UNIQUE_VIOLATION) return false;
  if (!table) return true;
  // pg sets `table`; PGlite may only name the constraint in the message.
  return err.table === table || (err.message ?? '').includes(table);
}
