/**
 * Reads a list request's query string against the descriptor: filters (`field`, `field__op`),
 * `search` and `ordering` (paging is the wire style's: runtime/http/paging.ts).
 * Bad values are 400s naming the parameter, never SQL errors. Unknown parameters are ignored, as DRF does.
 */
import type { Knex } from 'knex';
import type { ResourceDescriptor } from '../descriptor.ts';
import { validation } from '../http/api-error.ts';
import { first, type Query } from '../http/paging.ts';
import { isPgDate, isPgDateTime } from './pg-temporal.ts';

function bad(param: string, message: string): never {
  throw validation({ [param]: [message] });
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
      if (!isPgDate(raw)) bad(param, 'Enter a date as YYYY-MM-DD.');
      return raw;
    case 'datetime':
      // The offset must be one PostgreSQL accepts (±15:59): a valid RFC 3339 `+20:00` is refused by it.
      if (!isPgDateTime(raw)) bad(param, 'Enter an ISO 8601 date/time (years 0001-9999, offset within ±15:59).');
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
        const items = raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (items.length === 0) bad(param, 'Enter a comma-separated list of values.');
        q.whereIn(
          col,
          items.map((s) => coerce(param, f.type, s) as Knex.Value),
        );
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

export interface OrderTerm {
  readonly column: string;
  readonly desc: boolean;
}

/** `?ordering=name,-created_at` over the descriptor's orderable fields; defaults otherwise. Always ends with id so pages are stable. */
export function applyOrdering(q: Knex.QueryBuilder, d: ResourceDescriptor, query: Query): void {
  for (const t of orderingTerms(d, query)) q.orderBy(`${d.table}.${t.column}`, t.desc ? 'desc' : 'asc');
}

/** The ORDER BY terms of a list request (400 naming `ordering` for a field that is not orderable). */
export function orderingTerms(d: ResourceDescriptor, query: Query): OrderTerm[] {
  const raw = first(query.ordering);
  const terms: { column: string; desc: boolean }[] = [];
  if (raw !== undefined && raw.trim() !== '') {
    for (const part of raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
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
  return terms;
}
