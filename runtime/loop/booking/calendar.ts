/**
 * `GET booking/calendar/`: appointments of a date range grouped by local day and staff member,
 * each staff member's busy time (appointments + service buffer) and free time within working hours.
 */
import type { Knex } from 'knex';
import {
  bookingAppointmentResource as appointments,
  bookingCustomerResource as customers,
  bookingServiceResource as services,
  bookingStaffResource as staffMembers,
} from '../../../generated/loop/server/booking.ts';
import type { ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { addDays, dateRange } from '../handler-kit/date-range.ts';
import { asClock, type Interval, merge, subtract, workingIntervals } from './free-busy.ts';
import { companyId, companyTimezone } from '../handler-kit/tenant.ts';

const MAX_DAYS = 62;
type Query = LoopArgs<'booking.calendar'>['query'];
/** Appointments that do not hold the staff member's time. */
const NOT_BUSY = new Set(['cancelled', 'no_show']);

interface ApptRow {
  id: number | string;
  starts_at: Date | string;
  ends_at: Date | string;
  status: string;
  service_id: number | string;
  service_name: string;
  staff_id: number | string | null;
  customer_id: number | string;
  customer_name: string;
  day: string;
  start_min: number | string;
  end_min: number | string;
}

const iso = (v: Date | string) => (v instanceof Date ? v.toISOString() : new Date(v).toISOString());
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

async function loadAppointments(db: Knex, company: number, tz: string, from: string, to: string, q: Query): Promise<ApptRow[]> {
  const local = db.raw('(a.starts_at at time zone ?)', [tz]);
  const query = db(`${appointments.table} as a`)
    .join(`${services.table} as s`, 's.id', 'a.service_id')
    .leftJoin(`${customers.table} as c`, 'c.id', 'a.customer_id')
    .where('a.company_id', company)
    .whereNull('a.deleted_at')
    .whereRaw('(a.starts_at at time zone ?)::date between ?::date and ?::date', [tz, from, to])
    .select(
      'a.id',
      'a.starts_at',
      'a.ends_at',
      'a.status',
      'a.service_id',
      's.name as service_name',
      'a.staff_id',
      'a.customer_id',
      db.raw("trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')) as customer_name"),
      db.raw('(?)::date::text as day', [local]),
      db.raw('extract(epoch from (? - (?)::date)) / 60 as start_min', [local, local]),
      db.raw(
        'extract(epoch from (? - (?)::date)) / 60 + extract(epoch from (a.ends_at - a.starts_at)) / 60 + coalesce(s.buffer_minutes, 0) as end_min',
        [local, local],
      ),
    )
    .orderBy([{ column: 'a.starts_at' }, { column: 'a.id' }]);
  if (q.staff !== undefined) query.where('a.staff_id', q.staff);
  if (q.branch !== undefined) query.where('a.branch_id', q.branch);
  return (await query) as ApptRow[];
}

async function loadStaff(db: Knex, company: number, q: Query) {
  const query = db(staffMembers.table)
    .where({ company_id: company, is_active: true })
    .whereNull('deleted_at')
    .select('id', 'full_name', 'working_hours')
    .orderBy([{ column: 'full_name' }, { column: 'id' }]);
  if (q.staff !== undefined) query.where('id', q.staff);
  if (q.branch !== undefined) query.where('branch_id', q.branch);
  return (await query) as { id: number | string; full_name: string; working_hours: unknown }[];
}

export async function calendar(a: LoopArgs<'booking.calendar'>): Promise<ActionResult> {
  const company = companyId(a);
  const { from, to, days } = dateRange(a.query, MAX_DAYS);
  const tz = await companyTimezone(a.trx, company);
  const [appts, staff] = await Promise.all([loadAppointments(a.trx, company, tz, from, to, a.query), loadStaff(a.trx, company, a.query)]);
  // Service and status filters narrow what is listed, never the busy time a staff member really has.
  const listed = (r: ApptRow) =>
    (a.query.service === undefined || Number(r.service_id) === a.query.service) &&
    (a.query.status === undefined || r.status === a.query.status);

  const out = [];
  let total = 0;
  for (let i = 0; i < days; i++) {
    const date = addDays(from, i);
    const ofDay = appts.filter((r) => r.day === date);
    const lanes: { staff: number | null; staff_name: string | null; hours: unknown }[] = staff.map((s) => ({
      staff: Number(s.id),
      staff_name: s.full_name,
      hours: s.working_hours,
    }));
    if (ofDay.some((r) => r.staff_id === null && listed(r))) lanes.push({ staff: null, staff_name: null, hours: undefined });
    // Staff who left the active list still show when they hold appointments that day.
    for (const r of ofDay) {
      if (r.staff_id !== null && !lanes.some((l) => l.staff === Number(r.staff_id)))
        lanes.push({ staff: Number(r.staff_id), staff_name: null, hours: undefined });
    }
    const staffOut = lanes.map((l) => {
      const mine = ofDay.filter((r) => num(r.staff_id) === l.staff);
      const busy = merge(
        mine
          .filter((r) => !NOT_BUSY.has(r.status))
          .map((r): Interval => ({ start: Math.round(Number(r.start_min)), end: Math.min(1440, Math.round(Number(r.end_min))) })),
      );
      const working = l.staff === null ? [] : workingIntervals(l.hours, date);
      const appointments = mine.filter(listed).map((r) => ({
        id: Number(r.id),
        starts_at: iso(r.starts_at),
        ends_at: iso(r.ends_at),
        status: r.status,
        service: Number(r.service_id),
        service_name: r.service_name,
        customer: Number(r.customer_id),
        customer_name: r.customer_name,
      }));
      return { staff: l.staff, staff_name: l.staff_name, appointments, busy: asClock(busy), free: asClock(subtract(working, busy)) };
    });
    const dayTotal = staffOut.reduce((n, s) => n + s.appointments.length, 0);
    total += dayTotal;
    out.push({ date, total: dayTotal, staff: staffOut });
  }
  return { body: { from, to, timezone: tz, days: out, total } };
}
