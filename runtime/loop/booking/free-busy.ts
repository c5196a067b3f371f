/**
 * Free/busy arithmetic for the booking calendar, in minutes of a local day (0–1440).
 * Working hours come from `booking_staff.working_hours` (`{"mon": [["09:00", "17:00"]]}`).
 */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** Used when a staff member has no working hours recorded. */
export const DEFAULT_HOURS: readonly Interval[] = [{ start: 9 * 60, end: 17 * 60 }];

function minutes(hhmm: unknown): number | null {
  const m = typeof hhmm === 'string' ? /^(\d{1,2}):(\d{2})$/.exec(hhmm) : null;
  if (!m) return null;
  const v = Number(m[1]) * 60 + Number(m[2]);
  return v >= 0 && v <= 1440 ? v : null;
}

/** Working intervals of a staff member on a date; bad entries are skipped rather than failing the calendar. */
export function workingIntervals(hours: unknown, date: string): Interval[] {
  if (hours === null || hours === undefined) return [...DEFAULT_HOURS];
  const parsed = typeof hours === 'string' ? safeJson(hours) : hours;
  if (typeof parsed !== 'object' || parsed === null) return [...DEFAULT_HOURS];
  const key = DAY_KEYS[new Date(`${date}T00:00:00Z`).getUTCDay()]!;
  const ranges = (parsed as Record<string, unknown>)[key];
  if (!Array.isArray(ranges)) return [];
  const out: Interval[] = [];
  for (const r of ranges) {
    if (!Array.isArray(r)) continue;
    const start = minutes(r[0]);
    const end = minutes(r[1]);
    if (start !== null && end !== null && end > start) out.push({ start, end });
  }
  return merge(out);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

export function merge(list: readonly Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) out[out.length - 1] = { start: last.start, end: Math.max(last.end, i.end) };
    else out.push(i);
  }
  return out;
}

/** `working` minus `busy` (both merged). */
export function subtract(working: readonly Interval[], busy: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const w of working) {
    let cursor = w.start;
    for (const b of busy) {
      if (b.end <= cursor || b.start >= w.end) continue;
      if (b.start > cursor) out.push({ start: cursor, end: b.start });
      cursor = Math.max(cursor, b.end);
    }
    if (cursor < w.end) out.push({ start: cursor, end: w.end });
  }
  return out;
}

export function hhmm(min: number): string {
  return `${String(Math.floor(min / 60)).padStart(2, '0')}:${String(min % 60).padStart(2, '0')}`;
}

export const asClock = (list: readonly Interval[]) => list.map((i) => ({ start: hhmm(i.start), end: hhmm(i.end) }));
