/** GET /v1/reports/usage: live (non-cancelled) reservations and slots by facility, user and period. */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { applyFilter, type ReportFilter } from './report-rows.ts';

export async function usageReport(db: Knex, f: ReportFilter & { period?: 'day' | 'week' | 'month' }) {
  const period = f.period ?? 'week';
  const base = () => applyFilter(db(`${T.reservations} as r`).whereNot('r.status', 'cancelled'), f);
  const measures = [db.raw('count(*)::int as reservations'), db.raw('coalesce(sum(r.end_slot - r.start_slot + 1), 0)::int as slots')];
  const [totals, byFacility, byUser, byPeriod] = await Promise.all([
    base().select(measures).first(),
    base()
      .join(`${T.facilities} as fa`, 'fa.id', 'r.facility_id')
      .groupBy('r.facility_id', 'fa.name')
      .select('r.facility_id', 'fa.name', ...measures)
      .orderBy('r.facility_id'),
    base()
      .leftJoin(`${T.accounts} as a`, 'a.id', 'r.user_id')
      .groupBy('r.user_id', 'a.name', 'a.email')
      .select('r.user_id', 'a.name', 'a.email', ...measures)
      .orderBy('r.user_id'),
    base()
      .select(db.raw(`to_char(date_trunc(?, r.date), 'YYYY-MM-DD') as period`, [period]), ...measures)
      .groupByRaw('1')
      .orderByRaw('1'),
  ]);
  return {
    from: f.from ?? null,
    to: f.to ?? null,
    period,
    totals: { reservations: Number(totals?.reservations ?? 0), slots: Number(totals?.slots ?? 0) },
    by_facility: byFacility,
    by_user: byUser,
    by_period: byPeriod,
  };
}
