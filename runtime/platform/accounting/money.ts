/**
 * Money on the wire and in SQL: amounts are decimal strings (`"1250.00"`) and every sum is a
 * PostgreSQL `numeric` computed in SQL, so no amount ever passes through a JS float. JSON numbers
 * are accepted from clients (`100.1` → `"100.1"`: shortest round-trip text of a double with <= 15
 * significant digits is the literal the client wrote), then checked against the column scale.
 */
import { validation } from '../../http/api-error.ts';

const AMOUNT = /^\d{1,16}(\.\d{1,2})?$/;
const SIGNED = /^-?\d{1,16}(\.\d{1,2})?$/;
const QUANTITY = /^\d{1,12}(\.\d{1,4})?$/;

function text(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string') return v.trim();
  return null;
}

/** A non-negative amount with at most 2 decimals, as a decimal string; `field` names it in the 400. */
export function amount(v: unknown, field: string, signed = false): string {
  const s = text(v);
  if (s === null || !(signed ? SIGNED : AMOUNT).test(s))
    throw validation({ [field]: [`must be a ${signed ? '' : 'non-negative '}decimal amount with at most 2 decimals`] });
  return s;
}

export function quantity(v: unknown, field: string): string {
  const s = text(v ?? '1');
  if (s === null || !QUANTITY.test(s)) throw validation({ [field]: ['must be a non-negative number with at most 4 decimals'] });
  return s;
}

export const isZero = (s: string) => /^-?0*(\.0*)?$/.test(s);

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` date (also the date part of an ISO timestamp), or `fallback` when absent. */
export function dateOf(v: unknown, field: string, fallback?: string): string {
  if (v === undefined || v === null || v === '') {
    if (fallback !== undefined) return fallback;
    throw validation({ [field]: ['is required (YYYY-MM-DD)'] });
  }
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
  if (!DATE.test(s) || Number.isNaN(Date.parse(s))) throw validation({ [field]: ['must be a date (YYYY-MM-DD)'] });
  return s;
}

export const today = () => new Date().toISOString().slice(0, 10);
