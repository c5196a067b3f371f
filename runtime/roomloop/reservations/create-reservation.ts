/**
 * POST /v1/reservations: rules engine, then the insert that makes double booking impossible.
 * Each live reservation inserts one rl_reservation_slots row per slot; the unique index on
 * (facility_id, date, slot) lets exactly one of any number of concurrent bookings win, and the
 * others' unique violation becomes 409 slot_conflict (R-03). The read before the insert only
 * gives a friendlier message in the common, non-racing case.
 */
import type { Knex } from 'knex';
import { ApiError, conflict, notFound, ruleViolation } from '../../http/api-error.ts';
import { evaluate, isoWeek, needsUsage, type RuleActor, type RuleFacility } from '../rules/index.ts';
import { R, T, isUniqueViolation } from '../tables.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { newId } from '../../security/random-ids.ts';
import { now, todayIn } from '../clock.ts';
import { enqueueEvent } from '../webhooks/outbox.ts';
import { loadFacility, slotLabels } from './facility-repo.ts';
import { findReservation, reservationView, type ReservationView } from './reservation-view.ts';

export interface CreateReservationInput {
  readonly facility_id: string;
  readonly date: string;
  readonly start_slot: number;
  readonly end_slot: number;
  readonly purpose: string;
  readonly attendees?: number | null;
}

export function slotConflict(facility: RuleFacility, date: string, slots: number[]): ApiError {
  const labels = slotLabels(facility.slots, Math.min(...slots), Math.max(...slots));
  return conflict(`${facility.name} is already booked on ${date} (${labels.join(', ')}).`, 'slot_conflict', { rule: 'R-03' });
}

async function usageOf(trx: Knex, userId: string, date: string) {
  // Serialise one teacher's bookings so two parallel requests cannot both squeeze under a quota.
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`roomloop:quota:${userId}`]);
  const week = isoWeek(date);
  const row = await trx(T.reservationSlots)
    .where({ user_id: userId })
    .whereBetween('date', [week.start, week.end])
    .select(trx.raw('count(*) filter (where date = ?)::int as day', [date]), trx.raw('count(*)::int as week'))
    .first();
  return { slotsOnDay: Number(row?.day ?? 0), slotsInWeek: Number(row?.week ?? 0) };
}

export async function createReservation(trx: Knex, actor: RuleActor, input: CreateReservationInput): Promise<ReservationView> {
  const facility = await loadFacility(trx, input.facility_id);
  if (!facility) throw notFound(`Facility ${input.facility_id} does not exist.`);
  const at = now();
  const usage =
    needsUsage(facility, actor) && actor.userId ? await usageOf(trx, actor.userId, input.date) : { slotsOnDay: 0, slotsInWeek: 0 };
  const verdict = evaluate({
    facility,
    actor,
    today: todayIn(at),
    usage,
    request: { date: input.date, startSlot: input.start_slot, endSlot: input.end_slot, attendees: input.attendees },
  });
  if ('refusal' in verdict) throw ruleViolation(verdict.refusal.rule, verdict.refusal.message);

  const slots: number[] = [];
  for (let n = input.start_slot; n <= input.end_slot; n++) slots.push(n);
  const taken = await trx(T.reservationSlots).where({ facility_id: facility.id, date: input.date }).whereIn('slot', slots).select('slot');
  if (taken.length > 0)
    throw slotConflict(
      facility,
      input.date,
      taken.map((t) => Number(t.slot)),
    );

  const id = newId('res');
  const { outcome } = verdict;
  await trx(T.reservations).insert({
    ...codecOf(R.reservations).toColumns({
      facility: facility.id,
      user: actor.userId,
      date: input.date,
      start_slot: input.start_slot,
      end_slot: input.end_slot,
      purpose: input.purpose,
      attendees: input.attendees ?? null,
      status: outcome.status,
      rules: { applied: outcome.applied, approval_required: outcome.approvalRequired },
    }),
    id,
    created_at: at,
    updated_at: at,
  });
  try {
    // A savepoint keeps the outer transaction usable for the caller's error handling.
    const slotCodec = codecOf(R.reservationSlots);
    await trx.transaction(async (sp) => {
      await sp(T.reservationSlots).insert(
        slots.map((slot) => ({
          ...slotCodec.toColumns({ reservation: id, facility: facility.id, date: input.date, slot, user: actor.userId }),
          id: newId('rsl', 8),
          created_at: at,
          updated_at: at,
        })),
      );
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw slotConflict(facility, input.date, slots);
    throw e;
  }
  const view = reservationView((await findReservation(trx, id))!);
  await enqueueEvent(trx, 'reservation.created', view);
  return view;
}
