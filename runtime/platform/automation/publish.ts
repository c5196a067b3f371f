/**
 * How the automation, scheduled-job, form and integration code appends a domain event: through the
 * event log (runtime/platform/events/event-log.ts) in the caller's transaction, so the event exists
 * exactly when the write commits. An event written on an automation's behalf carries its causation
 * (causation.ts) for loop protection.
 */
import type { Knex } from 'knex';
import { appendEvent } from '../events/event-log.ts';
import type { Causation } from './causation.ts';

export async function publish(
  trx: Knex,
  tenant: number,
  type: string,
  data: Record<string, unknown>,
  causation: Causation | null = null,
): Promise<{ id: string; seq: number }> {
  return appendEvent(trx, tenant, type, causation && causation.depth > 0 ? { ...data, causation } : data);
}
