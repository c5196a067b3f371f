/**
 * Reads a facility through its generated descriptor and checks its stored `slots` and `rules` with
 * the rules' own schemas (runtime/roomloop/rules/rules-config.ts). The API refuses a bad configuration
 * (runtime/roomloop/facilities/update-facility.ts), but a row written before it did, or by hand, may
 * still hold one: such a facility cannot be booked and answers 422 rule_violation R-01 (the facility is
 * not bookable) naming the bad field — never a 500, and never a booking with a rule silently dropped.
 * Reads that need no rules (availability) still work; views of existing reservations only lose labels.
 */
import type { Knex } from 'knex';
import type { ZodError } from 'zod';
import { ruleViolation, type ApiError } from '../../http/api-error.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { R } from '../tables.ts';
import { firstIssue, rulesSchema, slotsSchema, toRulesConfig, type FacilitySlot, type RuleFacility } from '../rules/index.ts';

interface FacilityRow {
  readonly id: string;
  readonly name: string;
  readonly status: string;
  readonly capacity: number;
  readonly slots: unknown;
  readonly rules: unknown;
}

async function readFacility(db: Knex, id: string): Promise<FacilityRow | null> {
  const codec = codecOf(R.facilities);
  const row = (await db(R.facilities.table).where({ id }).first(codec.select(db))) as Record<string, unknown> | undefined;
  return row ? (codec.toWire(row) as unknown as FacilityRow) : null;
}

/** json columns come back parsed; a JSON text stored as a string value is read as what it says. */
function stored(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

function misconfigured(row: FacilityRow, err: ZodError, field: 'slots' | 'rules'): ApiError {
  return ruleViolation('R-01', `${row.name} cannot be booked until an admin corrects its configuration (${firstIssue(err, field)}).`);
}

function checkedSlots(row: FacilityRow): FacilitySlot[] {
  const parsed = slotsSchema.safeParse(stored(row.slots));
  if (!parsed.success) throw misconfigured(row, parsed.error, 'slots');
  return parsed.data;
}

/** The facility as the rules engine needs it, or null when there is none. */
export async function loadFacility(db: Knex, id: string): Promise<RuleFacility | null> {
  const row = await readFacility(db, id);
  if (!row) return null;
  const slots = checkedSlots(row);
  const rules = rulesSchema.safeParse(stored(row.rules ?? {}));
  if (!rules.success) throw misconfigured(row, rules.error, 'rules');
  return { id: row.id, name: row.name, status: row.status, capacity: Number(row.capacity), slots, rules: toRulesConfig(rules.data) };
}

/** Only the slots (availability does not read the rules, so a bad `rules` value does not stop it). */
export async function loadFacilitySlots(db: Knex, id: string): Promise<{ id: string; slots: FacilitySlot[] } | null> {
  const row = await readFacility(db, id);
  return row ? { id: row.id, slots: checkedSlots(row) } : null;
}

/** Stored slots for display: an unreadable value gives none, so a list of reservations never fails on it. */
export function readSlots(raw: unknown): FacilitySlot[] {
  const parsed = slotsSchema.safeParse(stored(raw));
  return parsed.success ? parsed.data : [];
}

/** Slot labels of a range, e.g. ["10:00–10:50", "11:00–11:50"] for slots 2–3. */
export function slotLabels(slots: readonly FacilitySlot[], start: number, end: number): string[] {
  return slots.filter((s) => s.number >= start && s.number <= end).map((s) => s.label);
}
