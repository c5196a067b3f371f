/** Reads a facility row into the rules engine's shape (slots and rules config parsed and checked). */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { ApiError } from '../../http/api-error.ts';
import { parseRulesConfig, RulesConfigError, type FacilitySlot, type RuleFacility } from '../rules/index.ts';

function json<V>(v: unknown): V {
  return (typeof v === 'string' ? JSON.parse(v) : v) as V;
}

export async function loadFacility(db: Knex, id: string): Promise<RuleFacility | null> {
  const row = await db(T.facilities).where({ id }).first('id', 'name', 'status', 'capacity', 'slots', 'rules');
  if (!row) return null;
  const slots = [...json<FacilitySlot[]>(row.slots ?? [])].sort((a, b) => a.number - b.number);
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    capacity: Number(row.capacity),
    slots,
    rules: rulesOf(row),
  };
}

/** Slot labels of a range, e.g. ["10:00–10:50", "11:00–11:50"] for slots 2–3 (seed 001). */
export function slotLabels(slots: readonly FacilitySlot[], start: number, end: number): string[] {
  return slots.filter((s) => s.number >= start && s.number <= end).map((s) => s.label);
}

/**
 * The generic PATCH /v1/facilities/:id stores `rules` as given; a broken config must refuse
 * bookings loudly rather than silently drop a rule.
 */
function rulesOf(row: { id: string; name: string; rules: unknown }) {
  try {
    return parseRulesConfig(row.rules, row.id);
  } catch (e) {
    if (!(e instanceof RulesConfigError)) throw e;
    throw new ApiError(500, 'facility_misconfigured', `${row.name} cannot be booked: its rules are misconfigured (${e.message}). Ask a RoomLoop admin.`);
  }
}
