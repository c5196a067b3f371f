/**
 * Reading a list's paging parameters and the opaque cursor, shared by the wire styles
 * (runtime/http/styles/). The cursor encodes an offset today; a keyset cursor can replace it
 * without changing the wire. Bad values are 400s naming the parameter.
 */
import { validation } from './api-error.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Paging {
  readonly page: number;
  readonly pageSize: number;
  readonly offset: number;
}

export type Query = Readonly<Record<string, unknown>>;

/** The last string of a query value (`?a=1&a=2` → `2`); undefined for anything else. */
export function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return first(v[v.length - 1]);
  return typeof v === 'string' ? v : undefined;
}

export function positiveInt(q: Query, param: string, fallback: number, min: number): number {
  const raw = first(q[param]);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min) throw validation({ [param]: [`A whole number of at least ${min} is required.`] });
  return Number(raw);
}

/** `limit`, clamped to the largest page rather than refused. */
export function pageSizeOf(q: Query, param: string): number {
  return Math.min(positiveInt(q, param, DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
}

export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

export function decodeCursor(raw: string): number {
  try {
    const o = (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  throw validation({ cursor: ['Invalid cursor.'] });
}

/** Paging by `limit` and `cursor`, with `fallbackOffset` when no cursor is sent. */
export function cursorPaging(q: Query, fallbackOffset: (q: Query) => number): Paging {
  const pageSize = pageSizeOf(q, 'limit');
  const cursor = first(q.cursor);
  const offset = cursor ? decodeCursor(cursor) : fallbackOffset(q);
  return { page: Math.floor(offset / pageSize) + 1, pageSize, offset };
}

/** The cursor of the page after `paging`, or null on the last page. */
export function nextCursor(paging: Paging, shown: number, count: number): string | null {
  return paging.offset + shown < count ? encodeCursor(paging.offset + paging.pageSize) : null;
}
