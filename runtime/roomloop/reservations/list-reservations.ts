/** GET /v1/reservations: ?user_id ?facility_id ?from ?to ?status, keyset-paginated by (date, start_slot, id). */
import type { Knex } from 'knex';
import { badRequest } from '../../http/api-error.ts';
import { findReservation, reservationQuery, reservationView, type ReservationRow } from './reservation-view.ts';

export interface ListReservationsQuery {
  readonly user_id?: string;
  readonly facility_id?: string;
  readonly from?: string;
  readonly to?: string;
  readonly status?: string;
  readonly limit?: number;
  readonly starting_after?: string;
}

export async function listReservations(db: Knex, q: ListReservationsQuery) {
  const limit = Math.min(Math.max(Number(q.limit ?? 100), 1), 1000);
  const query = reservationQuery(db);
  if (q.user_id) query.where('r.user_id', q.user_id);
  if (q.facility_id) query.where('r.facility_id', q.facility_id);
  if (q.from) query.where('r.date', '>=', q.from);
  if (q.to) query.where('r.date', '<=', q.to);
  if (q.status) query.where('r.status', q.status);
  if (q.starting_after) {
    const after = await findReservation(db, q.starting_after);
    if (!after) throw badRequest(`starting_after: reservation ${q.starting_after} does not exist.`, 'validation_error');
    query.whereRaw('(r.date, r.start_slot, r.id) > (?::date, ?, ?)', [after.date, after.start_slot, after.id]);
  }
  const rows = (await query
    .orderBy([{ column: 'r.date' }, { column: 'r.start_slot' }, { column: 'r.id' }])
    .limit(limit + 1)) as ReservationRow[];
  return { data: rows.slice(0, limit).map(reservationView), has_more: rows.length > limit };
}
