/**
 * Reads a list request's query string against the descriptor: filters (`field`, `field__op`),
 * `search`, `ordering`, and pagination per style (generator/emit/openapi/style-conventions.ts):
 * drf `page`/`page_size`; roomloop `limit`/`cursor`; platform `limit`/`offset`/`cursor`.
 * The cursor is opaque to clients; today it encodes an offset (a keyset cursor can replace it
 * without changing the wire).
 * Bad values are 400s naming the parameter, never SQL errors. Unknown parameters are ignored, as DRF does.
 */
import type { Knex } from 'knex';
import type { ResourceDescriptor, ServiceStyle } from '../descriptor.ts';
import { validation } from '../http/api-error.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface Paging {
  readonly page: number;
  readonly pageSize: number;
  readonly offset: number;
}

type Query = Record<string, unknown>;

function first(v: unknown): string | undefined {
  if (Array.isArray(v)) return first(v[v.length - 1]);
  return typeof v === 'string' ? v : undefined;
}

function bad(param: string, message: string): never {
  throw validation({ [param]: [message] });
}

function positiveInt(q: Query, param: string, fallback: number, min: number): number {
  const raw = first(q[param]);
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min) bad(param, `A whole number of at least ${min} is required.`);
  return Number(raw);
}

export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
}

function decodeCursor(raw: string): number {
  try {
    const o = (JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as { o?: unknown }).o;
    if (typeof o === 'number' && Number.isSafeInteger(o) && o >= 0) return o;
  } catch {
    // fall through
  }
  return bad('cursor', 'Invalid cursor.');
}

export function readPaging(q: Query, style: ServiceStyle): Paging {
  if (style === 'drf') {
    const page = positiveInt(q, 'page', 1, 1);
    // DRF clamps page_size to max_page_size rather than refusing it.
    const pageSize = Math.min(positiveInt(q, 'page_size', DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
    return { page, pageSize, offset: (page - 1) * pageSize };
  }
  const pageSize = Math.min(positiveInt(q, 'limit', DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  const cursor = first(q.cursor);
  const offset = cursor ? decodeCursor(cursor) : style === 'platform' ? positiveInt(q, 'offset', 0, 0) : 0;
  return { page: Math.floor(offset / pageSize) + 1, pageSize, offset };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Converts one query value for a filter of the given field type; throws a 400 naming the parameter. */
function coerce(param: string, type: string, raw: string): unknown {
  switch (type) {
    case 'integer':
      if (!/^-?\d{1,15}$/.test(raw)) bad(param, 'Enter a whole number.');
      return Number(raw);
    case 'decimal':
      if (!/^-?\d{1,20}(\.\d{1,20})?$/.test(raw)) bad(param, 'Enter a number.');
      return raw;
    case 'boolean': {
      const v = raw.toLowerCase();
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      return bad(param, 'Enter true or false.');
    }
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(raw) || Number.isNaN(Date.parse(raw))) bad(param, 'Enter a date as YYYY-MM-DD.');
      return raw;
    case 'datetime':
      if (!/^\d{4}-\d{2}-\d{2}/.test(raw) || Number.isNaN(Date.parse(raw))) bad(param, 'Enter an ISO 8601 date/time.');
      return raw;
    case 'uuid':
      if (!UUID.test(raw)) bad(param, 'Enter a valid UUID.');
      return raw;
    default:
      return raw;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => '\\' + c);
}

export function applyFilters(q: Knex.QueryBuilder, d: ResourceDescriptor, query: Query): void {
  for (const [param, value] of Object.entries(query)) {
    const f = d.filters[param];
    if (!f) continue;
    const raw = first(value);
    if (raw === undefined) continue;
    const col = `${d.table}.${f.column}`;
    switch (f.op) {
      case 'exact':
        q.where(col, coerce(param, f.type, raw) as Knex.Value);
        break;
      case 'in': {
        const items = raw.split(',').map((s) => s.trim()).filter(Boolean);
        if (items.length === 0) bad(param, 'Enter a comma-separated list of values.');
        q.whereIn(col, items.map((s) => coerce(param, f.type, s) as Knex.Value));
        break;
      }
      case 'gte':
      case 'lte':
      case 'gt':
      case 'lt': {
        const sql = { gte: '>=', lte: '<=', gt: '>', lt: '<' }[f.op];
        q.where(col, sql, coerce(param, f.type, raw) as Knex.Value);
        break;
      }
      case 'icontains':
        q.whereRaw('?? ilike ? escape ?', [col, `%${escapeLike(raw)}%`, '\\']);
        break;
      case 'isnull': {
        const isNull = coerce(param, 'boolean', raw);
        if (isNull) q.whereNull(col);
        else q.whereNotNull(col);
        break;
      }
      default:
        bad(param, `Unsupported filter operator ${f.op}.`);
    }
  }
}

export function applySearch(q: Knex.QueryBuilder, d: ResourceDescriptor, query: Query): void {
  const term = first(query.search)?.trim();
  if (!term || d.searchColumns.length === 0) return;
  const pattern = `%${escapeLike(term)}%`;
  q.where((w) => {
    for (const col of d.searchColumns) w.orWhereRaw('??::text ilike ? escape ?', [`${d.table}.${col}`, pattern, '\\']);
  });
}

/** `?ordering=name,-created_at` over the descriptor's orderable fields; defaults otherwise. Always ends with id so pages are stable. */
export function applyOrdering(q: Knex.QueryBuilder, d: ResourceDescriptor, query: Query): void {
  const raw = first(query.ordering);
  const terms: { column: string; desc: boolean }[] = [];
  if (raw !== undefined && raw.trim() !== '') {
    for (const part of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
      const desc = part.startsWith('-');
      const name = desc ? part.slice(1) : part;
      const column = Object.prototype.hasOwnProperty.call(d.orderable, name) ? d.orderable[name] : undefined;
      if (!column) {
        const allowed = Object.keys(d.orderable).sort().join(', ');
        bad('ordering', `Cannot order by "${name}". Choices are: ${allowed || 'none'}.`);
      }
      terms.push({ column, desc });
    }
  } else {
    for (const t of d.defaultOrdering) terms.push({ column: t.replace(/^-/, ''), desc: t.startsWith('-') });
  }
  if (!terms.some((t) => t.column === 'id')) terms.push({ column: 'id', desc: false });
  for (const t of terms) q.orderBy(`${d.table}.${t.column}`, t.desc ? 'desc' : 'asc');
}
