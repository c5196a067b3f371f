/**
 * GET /v1/facilities/:id/availability?date=: each slot free or taken. Who holds a taken slot is
 * shown to admins and to the holder; other teachers see only that it is taken.
 */
import type { Knex } from 'knex';
import { notFound } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { loadFacilitySlots } from './facility-repo.ts';
import type { RoomloopPrincipal } from '../principal.ts';

export async function availability(db: Knex, who: RoomloopPrincipal, facilityId: string, date: string) {
  const facility = await loadFacilitySlots(db, facilityId);
  if (!facility) throw notFound(`Facility ${facilityId} does not exist.`);
  const held = await db(`${T.reservationSlots} as s`)
    .join(`${T.reservations} as r`, 'r.id', 's.reservation_id')
    .leftJoin(`${T.accounts} as a`, 'a.id', 's.user_id')
    .where({ 's.facility_id': facilityId, 's.date': date })
    .select('s.slot', 's.user_id', 'r.id as reservation_id', 'r.status', 'a.name', 'a.email');
  const bySlot = new Map(held.map((h) => [Number(h.slot), h]));
  return {
    facility_id: facility.id,
    date,
    slots: facility.slots.map((s) => {
      const h = bySlot.get(s.number);
      const base = { number: s.number, label: s.label, start: s.start, end: s.end };
      if (!h) return { ...base, status: 'free' as const };
      const visible = who.role === 'admin' || (who.accountId != null && who.accountId === h.user_id);
      return visible
        ? {
            ...base,
            status: 'taken' as const,
            reservation_id: h.reservation_id,
            reservation_status: h.status,
            taken_by: h.user_id ? { id: h.user_id, name: h.name, email: h.email } : null,
          }
        : { ...base, status: 'taken' as const };
    }),
  };
}
