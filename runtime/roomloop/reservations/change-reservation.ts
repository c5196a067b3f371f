/**
 * PATCH /v1/reservations/:id (purpose, or status confirm/cancel with legal transitions only, R-12)
 * and DELETE (admin only, permanent). Cancelling releases the slots by deleting their
 * rl_reservation_slots rows, so the unique guard only ever covers live reservations.
 */
import type { Knex } from 'knex';
import { forbidden, notFound, ruleViolation } from '../../http/api-error.ts';
import { transitionError, type ReservationStatus } from '../rules/index.ts';
import { T } from '../tables.ts';
import { now } from '../clock.ts';
import { enqueueEvent, type EventType } from '../webhooks/outbox.ts';
import { findReservation, reservationView, type ReservationView } from './reservation-view.ts';
import type { RoomloopPrincipal } from '../principal.ts';

export interface ChangeReservationInput {
  readonly purpose?: string;
  readonly status?: 'confirmed' | 'cancelled';
}

export async function changeReservation(
  trx: Knex,
  who: RoomloopPrincipal,
  id: string,
  input: ChangeReservationInput,
): Promise<ReservationView> {
  // Lock the row so a concurrent confirm and cancel apply one after the other.
  const locked = await trx(T.reservations).where({ id }).forUpdate().first('id', 'status', 'user_id');
  if (!locked) throw notFound(`Reservation ${id} does not exist.`);
  const admin = who.role === 'admin';
  if (!admin && locked.user_id !== who.accountId) throw forbidden('You can only change your own reservations.');
  const from = locked.status as ReservationStatus;
  const patch: Record<string, unknown> = { updated_at: now() };
  let event: EventType = 'reservation.updated';
  if (input.status && input.status !== from) {
    const err = transitionError(from, input.status);
    if (err) throw ruleViolation('R-12', err);
    if (input.status === 'confirmed' && !admin) throw forbidden('Only an admin can confirm a pending reservation.');
    patch.status = input.status;
    event = input.status === 'confirmed' ? 'reservation.confirmed' : 'reservation.cancelled';
    if (input.status === 'cancelled') await trx(T.reservationSlots).where({ reservation_id: id }).delete();
  }
  if (input.purpose !== undefined) {
    if (from === 'cancelled') throw ruleViolation('R-12', 'This reservation was cancelled; it can no longer be edited.');
    patch.purpose = input.purpose;
  }
  await trx(T.reservations).where({ id }).update(patch);
  const view = reservationView((await findReservation(trx, id))!);
  await enqueueEvent(trx, event, view);
  return view;
}

export async function deleteReservation(trx: Knex, id: string): Promise<void> {
  const row = await findReservation(trx, id);
  if (!row) throw notFound(`Reservation ${id} does not exist.`);
  await trx(T.reservationSlots).where({ reservation_id: id }).delete();
  await trx(T.reservations).where({ id }).delete();
  await enqueueEvent(trx, 'reservation.deleted', reservationView(row));
}
