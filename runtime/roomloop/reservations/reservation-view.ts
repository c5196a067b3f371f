/**
 * The canonical reservation resource (the example in docs/api/roomloop-api.txt): id, status, facility {id, name}, date,
 * slots as labels, created_at — plus start/end slot, purpose, user_id and the rules' outcome.
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { isoSeconds } from '../clock.ts';
import { readSlots, slotLabels } from './facility-repo.ts';

export interface ReservationRow {
  id: string;
  status: 'pending' | 'confirmed' | 'cancelled';
  facility_id: string;
  facility_name: string;
  facility_slots: unknown;
  user_id: string | null;
  date: string;
  start_slot: number;
  end_slot: number;
  purpose: string;
  rules: unknown;
  created_at: Date | string;
}

export function reservationView(r: ReservationRow) {
  return {
    id: r.id,
    status: r.status,
    facility: { id: r.facility_id, name: r.facility_name },
    date: r.date,
    slots: slotLabels(readSlots(r.facility_slots), r.start_slot, r.end_slot),
    created_at: isoSeconds(r.created_at),
    start_slot: r.start_slot,
    end_slot: r.end_slot,
    purpose: r.purpose,
    user_id: r.user_id,
    rules: r.rules ?? {},
  };
}

export type ReservationView = ReturnType<typeof reservationView>;

/** Base query joining the facility; `date::text` keeps dates as YYYY-MM-DD (no time-zone shift). */
export function reservationQuery(db: Knex) {
  return db(`${T.reservations} as r`)
    .join(`${T.facilities} as f`, 'f.id', 'r.facility_id')
    .select(
      'r.id',
      'r.status',
      'r.facility_id',
      'f.name as facility_name',
      'f.slots as facility_slots',
      'r.user_id',
      db.raw('r.date::text as date'),
      'r.start_slot',
      'r.end_slot',
      'r.purpose',
      'r.rules',
      'r.created_at',
    );
}

export async function findReservation(db: Knex, id: string): Promise<ReservationRow | undefined> {
  return (await reservationQuery(db).where('r.id', id).first()) as ReservationRow | undefined;
}
