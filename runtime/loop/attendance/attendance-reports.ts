/**
 * `GET attendance/reports/`: attendance rates of the sessions starting in a date range (company time
 * zone; cancelled sessions left out), grouped by session, day, week, month or person.
 * A session's expected headcount is its `expected_count`, or its number of records when none is set;
 * its rate is (present + late) / expected. A person's rate is sessions attended / sessions in the range.
 */
import type { Knex } from 'knex';
import { attendanceRecordResource as records, attendanceSessionResource as sessions } from '../../../generated/loop/server/attendance.ts';
import type { ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { dateRange } from '../handler-kit/date-range.ts';
import { companyId, companyTimezone } from '../handler-kit/tenant.ts';

type Row = Record<string, unknown>;
const STATUSES = ['present', 'late', 'absent', 'excused'] as const;

const pct = (num: number, den: number) => (den > 0 ? ((num / den) * 100).toFixed(2) : '0.00');
const counts = (r: Row) => Object.fromEntries(STATUSES.map((s) => [s, Number(r[s] ?? 0)])) as Record<(typeof STATUSES)[number], number>;

type Query = LoopArgs<'attendance.reports'>['query'];

function sessionsQuery(db: Knex, company: number, tz: string, from: string, to: string, q: Query) {
  const query = db(`${sessions.table} as s`)
    .where('s.company_id', company)
    .whereNull('s.deleted_at')
    .whereNot('s.status', 'cancelled')
    .whereRaw('(s.starts_at at time zone ?)::date between ?::date and ?::date', [tz, from, to]);
  if (q.session !== undefined) query.where('s.id', q.session);
  if (q.kind !== undefined) query.where('s.kind', q.kind);
  return query;
}

export async function attendanceReports(a: LoopArgs<'attendance.reports'>): Promise<ActionResult> {
  const db = a.trx;
  const company = companyId(a);
  const { from, to } = dateRange(a.query);
  const groupBy = a.query.group_by;
  const tz = await companyTimezone(db, company);
  const local = db.raw('(s.starts_at at time zone ?)::date', [tz]);
  const perStatus = STATUSES.map((st) => db.raw(`count(r.id) filter (where r.status = '${st}')::int as ${st}`));

  const sessions = (await sessionsQuery(db, company, tz, from, to, a.query)
    .leftJoin(`${records.table} as r`, (j) => j.on('r.session_id', 's.id').andOnNull('r.deleted_at'))
    .groupBy('s.id')
    .orderBy([{ column: 's.starts_at' }, { column: 's.id' }])
    .select(
      's.id',
      's.title',
      's.kind',
      's.starts_at',
      's.expected_count',
      ...perStatus,
      db.raw('count(r.id)::int as records'),
      db.raw('?::text as day', [local]),
      db.raw("date_trunc('week', ?)::date::text as week", [local]),
      db.raw("date_trunc('month', ?)::date::text as month", [local]),
    )) as Row[];

  const expectedOf = (s: Row) =>
    s.expected_count === null || s.expected_count === undefined ? Number(s.records) : Number(s.expected_count);
  const totals = { present: 0, late: 0, absent: 0, excused: 0 };
  let expected = 0;
  for (const s of sessions) {
    const c = counts(s);
    for (const k of STATUSES) totals[k] += c[k];
    expected += expectedOf(s);
  }

  let rows: Row[];
  if (groupBy === 'session') {
    rows = sessions.map((s) => {
      const c = counts(s);
      return {
        session: Number(s.id),
        title: s.title,
        kind: s.kind,
        starts_at: new Date(s.starts_at as string).toISOString(),
        expected: expectedOf(s),
        ...c,
        rate: pct(c.present + c.late, expectedOf(s)),
      };
    });
  } else if (groupBy === 'person') {
    const people = (await sessionsQuery(db, company, tz, from, to, a.query)
      .join(`${records.table} as r`, 'r.session_id', 's.id')
      .whereNull('r.deleted_at')
      .groupByRaw('1')
      .orderByRaw('2, 1')
      .select(
        db.raw("coalesce('m:' || r.membership_id::text, 'c:' || r.person_code, 'n:' || lower(r.person_name)) as person"),
        db.raw('min(r.person_name) as person_name'),
        db.raw('min(r.person_code) as person_code'),
        db.raw('max(r.membership_id) as membership'),
        ...perStatus,
        db.raw('count(distinct s.id)::int as sessions_recorded'),
      )) as Row[];
    rows = people.map((p) => {
      const c = counts(p);
      return {
        person: p.person,
        person_name: p.person_name,
        person_code: p.person_code ?? null,
        membership: p.membership === null ? null : Number(p.membership),
        ...c,
        sessions: sessions.length,
        attended: c.present + c.late,
        rate: pct(c.present + c.late, sessions.length),
      };
    });
  } else {
    const byPeriod = new Map<
      string,
      { period: string; sessions: number; expected: number; present: number; late: number; absent: number; excused: number }
    >();
    for (const s of sessions) {
      const period = String(s[groupBy]);
      const acc = byPeriod.get(period) ?? { period, sessions: 0, expected: 0, present: 0, late: 0, absent: 0, excused: 0 };
      const c = counts(s);
      acc.sessions += 1;
      acc.expected += expectedOf(s);
      for (const k of STATUSES) acc[k] += c[k];
      byPeriod.set(period, acc);
    }
    rows = [...byPeriod.values()]
      .sort((x, y) => x.period.localeCompare(y.period))
      .map((p) => ({ ...p, rate: pct(p.present + p.late, p.expected) }));
  }
  return {
    body: {
      from,
      to,
      group_by: groupBy,
      sessions: sessions.length,
      totals,
      attendance_rate: pct(totals.present + totals.late, expected),
      rows,
    },
  };
}
