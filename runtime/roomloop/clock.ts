/**
 * The service's notion of "now" and "today". Rules such as "date not in the past" depend on it;
 * tests pin it (the example in docs/api/roomloop-api.txt books 2026-06-10 on 2026-06-08) instead of faking timers.
 * "Today" is taken in ROOMLOOP_TIMEZONE (a school's calendar day), UTC by default.
 */
let override: (() => Date) | null = null;

export function setClock(fn: (() => Date) | null): void {
  override = fn;
}

export function now(): Date {
  return override ? override() : new Date();
}

export function todayIn(date: Date, timeZone = process.env.ROOMLOOP_TIMEZONE || 'UTC'): string {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** ISO 8601 without milliseconds, as the RoomLoop API document prints `created_at` ("2026-06-08T09:14:00Z"). */
export function isoSeconds(d: Date | string): string {
  const date = typeof d === 'string' ? new Date(d) : d;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
