/**
 * Reservations of a range for exports, read in keyset batches of `batch` rows ordered by
 * (date, start_slot, id): memory stays flat whether the range holds 10 or 100,000 rows, and it
 * works the same on PostgreSQL and PGlite (no server-side cursor needed).
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { isoSeconds } from '../clock.ts';
import { readSlots, slotLabels } from '../reservations/facility-repo.ts';
import type { FacilitySlot } from '../rules/index.ts';

export interface ReportFilter {
  readonly from?: string;
  readonly to?: string;
  readonly facility_id?: string;
  readonly user_id?: string;
}

export const EXPORT_COLUMNS = [
  'id',
  'date',
  'facility_id',
  'facility',
  'start_slot',
  'end_slot',
  'slots',
  'status',
  'user_id',
  'user_email',
  'purpose',
  'created_at',
] as const;

export function applyFilter(q: Knex.QueryBuilder, f: ReportFilter, alias = 'r'): Knex.QueryBuilder {
  if (f.from) q.where(`${alias}.date`, '>=', f.from);
  if (f.to) q.where(`${alias}.date`, '<=', f.to);
  if (f.facility_id) q.where(`${alias}.facility_id`, f.facility_id);
  if (f.user_id) q.where(`${alias}.user_id`, f.user_id);
  return q;
}

export async function* reportRows(db: Knex, f: ReportFilter, batch = 2000): AsyncGenerator<(string | number)[]> {
  let after: [string, number, string] | null = null;
  // Slots are read once per facility, not once per row.
  const slotsOf = new Map<string, FacilitySlot[]>();
  for (;;) {
    const q = db(`${T.reservations} as r`)
      .join(`${T.facilities} as fa`, 'fa.id', 'r.facility_id')
      .leftJoin(`${T.accounts} as a`, 'a.id', 'r.user_id')
      .select(
        'r.id',
        db.raw('r.date::text as date'),
        'r.facility_id',
        'fa.name as facility',
        'fa.slots',
        'r.start_slot',
        'r.end_slot',
        'r.status',
        'r.user_id',
        'a.email as user_email',
        'r.purpose',
        'r.created_at',
      )
      .orderBy([{ column: 'r.date' }, { column: 'r.start_slot' }, { column: 'r.id' }])
      .limit(batch);
    applyFilter(q, f);
    if (after) q.whereRaw('(r.date, r.start_slot, r.id) > (?::date, ?, ?)', after);
    const rows = await q;
    for (const r of rows) {
      if (!slotsOf.has(r.facility_id)) slotsOf.set(r.facility_id, readSlots(r.slots));
      const labels = slotLabels(slotsOf.get(r.facility_id)!, r.start_slot, r.end_slot).join(', ');
      yield [
        r.id,
        r.date,
        r.facility_id,
        r.facility,
        r.start_slot,
        r.end_slot,
        labels,
        r.status,
        r.user_id ?? '',
        r.user_email ?? '',
        r.purpose,
        isoSeconds(r.created_at),
      ];
    }
    if (rows.length < batch) return;
    const last = rows[rows.length - 1];
    after = [last.date, last.start_slot, last.id];
  }
}
