/**
 * Dates and date-times as PostgreSQL will take them, checked before they reach SQL. `Date.parse` is
 * too lenient for that: it rolls `2020-02-30` over to March, accepts year 0000 (PostgreSQL has no year
 * zero) and any offset up to ±23:59, while PostgreSQL refuses offsets beyond ±15:59
 * (`time zone displacement out of range`, SQLSTATE 22009). Four-digit years only, as ISO 8601
 * without its extended-year form and as Django REST framework's date-time fields read them.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/** PostgreSQL's largest time zone displacement, ±15:59. */
const MAX_OFFSET_MINUTES = 15 * 60 + 59;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function validDay(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const days = [31, isLeap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
  return d <= days;
}

/** `YYYY-MM-DD`, a real calendar day from year 1 to 9999. */
export function isPgDate(raw: string): boolean {
  const m = DATE.exec(raw);
  return m !== null && validDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** An ISO 8601 / RFC 3339 date or date-time PostgreSQL accepts for `timestamptz` (offset within ±15:59). */
export function isPgDateTime(raw: string): boolean {
  const m = DATE_TIME.exec(raw);
  if (!m || !validDay(Number(m[1]), Number(m[2]), Number(m[3]))) return false;
  if (m[4] !== undefined && (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59)) return false;
  const zone = m[7];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2) || 0);
    if (minutes > 59 || hours * 60 + minutes > MAX_OFFSET_MINUTES) return false;
  }
  return true;
}
