/** Calendar arithmetic on `YYYY-MM-DD` strings, in UTC so no local time zone leaks in. */
const DAY = 86_400_000;

export function toDay(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return Date.UTC(y!, m! - 1, d!) / DAY;
}

export function fromDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return toDay(to) - toDay(from);
}

/** Monday..Sunday of the ISO week holding `date`. */
export function isoWeek(date: string): { start: string; end: string } {
  const day = toDay(date);
  const weekday = (new Date(day * DAY).getUTCDay() + 6) % 7; // Monday = 0
  return { start: fromDay(day - weekday), end: fromDay(day - weekday + 6) };
}

export function isValidDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && fromDay(toDay(date)) === date;
}
