/**
 * Filters and sorts of object queries, typed by the property they name (property-types.ts): numbers
 * and decimals compare as numeric, dates, date-times and times chronologically, booleans as booleans,
 * multi_enum lists by containment, geo points by a bounding box. The value of a filter is checked
 * like a stored value of that type (a bad one is a 400 naming the filter), and the SQL is the
 * expression the property's index is built on (property-sql.ts), so an indexed property's filter and
 * sort can use it.
 *
 * A name that is not a declared property (a deleted one's leftover values) is filtered untyped, as
 * before types were enforced: as text, or as numeric when the filter value is a number.
 */
import type { Knex } from 'knex';
import { validation } from '../../http/api-error.ts';
import { type PropertyKind, propertyType, SORTABLE_KINDS } from './property-types.ts';
import { jsonOf, NUMERIC_TEXT, valueExpr } from './property-sql.ts';

export interface Filter {
  readonly property: string;
  readonly operator?: string;
  readonly value?: unknown;
}

export interface TypedProperty {
  readonly name: string;
  readonly data_type: string;
  readonly enum_values?: unknown;
}

const OPS: Readonly<Record<string, string>> = { eq: '=', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
const NUMERIC = /^-?\d{1,40}(\.\d{1,40})?$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Which operators each kind takes (the 400 lists them). */
const KIND_OPS: Readonly<Record<PropertyKind, readonly string[]>> = {
  text: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'is_null'],
  chrono: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'is_null'],
  numeric: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'is_null'],
  boolean: ['eq', 'neq', 'is_null'],
  list: ['contains', 'in', 'is_null'],
  geo: ['within', 'is_null'],
  opaque: ['contains', 'is_null'],
};

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One filter value as the SQL parameter its kind compares with; throws a 400 naming `field`. */
function operand(p: TypedProperty, kind: PropertyKind, v: unknown, field: string): unknown {
  const type = propertyType(p.data_type)!;
  const wrong = (what: string) => validation({ [field]: [`must be ${what} to compare with ${p.data_type} property "${p.name}"`] });
  switch (kind) {
    case 'numeric': {
      const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
      if (!NUMERIC.test(s)) throw wrong('a number');
      return s;
    }
    case 'chrono': {
      // A datetime compared with a calendar date means that day's midnight UTC.
      const given = p.data_type === 'datetime' && typeof v === 'string' && CALENDAR_DATE.test(v) ? `${v}T00:00:00Z` : v;
      const c = type.check(given, p);
      if (!c.ok) throw wrong(p.data_type === 'date' ? 'a date (YYYY-MM-DD)' : p.data_type === 'time' ? 'a time (HH:MM:SS)' : 'a date-time');
      return c.value;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      if (v === 'true' || v === 'false') return v === 'true';
      throw wrong('true or false');
    default: {
      if (v === null || v === undefined || typeof v === 'object') throw wrong('a string');
      // Phone numbers, UUIDs and colours are stored canonical; a filter value is read the same way.
      const c = type.check(String(v), p);
      return c.ok && typeof c.value === 'string' ? c.value : String(v);
    }
  }
}

const CAST: Partial<Record<PropertyKind, string>> = { numeric: '::numeric', boolean: '::boolean' };

function listOf(v: unknown, field: string): unknown[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  if (!list.length) throw validation({ [field]: ['needs at least one value'] });
  if (list.length > 100) throw validation({ [field]: ['at most 100 values'] });
  return list;
}

function typedFilter(q: Knex.QueryBuilder, p: TypedProperty, f: Filter, op: string, i: number): void {
  const kind = propertyType(p.data_type)?.kind ?? 'opaque';
  const field = `filters.${i}.value`;
  if (!KIND_OPS[kind].includes(op))
    throw validation({
      [`filters.${i}.operator`]: [`"${op}" does not apply to ${p.data_type} properties; use ${KIND_OPS[kind].join(', ')}`],
    });
  const raw = jsonOf(p.name);
  const expr = valueExpr(kind, p.name) ?? raw;
  const cast = CAST[kind] ?? '';
  if (op === 'is_null') {
    q.whereRaw(`${expr} is ${f.value === false ? 'not ' : ''}null`);
  } else if (OPS[op]) {
    q.whereRaw(`${expr} ${OPS[op]} ?${cast}`, [operand(p, kind, f.value, field) as Knex.Value]);
  } else if (op === 'in' && kind === 'list') {
    q.whereRaw(`jsonb_exists_any(${expr}, ?::text[])`, [listOf(f.value, field).map(String)]);
  } else if (op === 'in') {
    const values = listOf(f.value, field).map((v, j) => operand(p, kind, v, `${field}.${j}`));
    q.whereRaw(`${expr} = any(?${cast ? `${cast}[]` : '::text[]'})`, [values as Knex.Value]);
  } else if (op === 'contains' && kind === 'list') {
    q.whereRaw(`${expr} @> ?::jsonb`, [JSON.stringify(listOf(f.value, field).map(String))]);
  } else if (op === 'contains' && kind === 'opaque') {
    q.whereRaw(`${raw} @> ?::jsonb`, [JSON.stringify(f.value ?? null)]);
  } else if (op === 'contains') {
    q.whereRaw(`${expr} ilike ?`, [`%${likeEscape(String(operand(p, kind, f.value, field)))}%`]);
  } else if (op === 'within') {
    const b = (f.value ?? {}) as Record<string, unknown>;
    const n = ['min_lat', 'min_lng', 'max_lat', 'max_lng'].map((k) => b[k]);
    if (!n.every((x) => typeof x === 'number' && Number.isFinite(x)))
      throw validation({ [field]: ['must be {"min_lat", "min_lng", "max_lat", "max_lng"} (numbers)'] });
    q.whereRaw(`${expr} <@ box(point(?::float8, ?::float8), point(?::float8, ?::float8))`, [n[1], n[0], n[3], n[2]] as number[]);
  }
}

/** The untyped filter of a name no declared property has (values of a deleted property). */
function untypedFilter(q: Knex.QueryBuilder, f: Filter, op: string, i: number): void {
  const numeric = typeof f.value === 'number';
  const col = numeric ? `(case when properties->>? ~ ${NUMERIC_TEXT} then (properties->>?)::numeric end)` : 'properties->>?';
  const names = numeric ? [f.property, f.property] : [f.property];
  if (OPS[op]) q.whereRaw(`${col} ${OPS[op]} ?`, [...names, numeric ? (f.value as number) : String(f.value)]);
  else if (op === 'contains') q.whereRaw('properties->>? ilike ?', [f.property, `%${likeEscape(String(f.value ?? ''))}%`]);
  else if (op === 'in' && Array.isArray(f.value)) q.whereRaw(`properties->>? = any(?)`, [f.property, f.value.map(String)]);
  else if (op === 'is_null') q.whereRaw(f.value === false ? 'properties->>? is not null' : 'properties->>? is null', [f.property]);
  else throw validation({ [`filters.${i}.operator`]: [`unknown operator "${op}"`] });
}

export function applyFilter(q: Knex.QueryBuilder, defs: ReadonlyMap<string, TypedProperty>, f: Filter, i: number): void {
  if (!f || typeof f !== 'object' || typeof f.property !== 'string' || !f.property)
    throw validation({ [`filters.${i}`]: ['needs a property'] });
  const op = f.operator ?? 'eq';
  if (typeof op !== 'string') throw validation({ [`filters.${i}.operator`]: ['must be a string'] });
  const def = defs.get(f.property);
  if (def && propertyType(def.data_type)) typedFilter(q, def, f, op, i);
  else untypedFilter(q, f, op, i);
}

/**
 * ORDER BY for a property: its typed expression (numbers numerically, dates chronologically), NULLs
 * (missing values) last either way. Kinds without an order are a 400; undeclared names sort as jsonb.
 */
export function applySort(q: Knex.QueryBuilder, defs: ReadonlyMap<string, TypedProperty>, sort: string, dir: 'asc' | 'desc'): void {
  const def = defs.get(sort);
  const kind = def ? propertyType(def.data_type)?.kind : undefined;
  if (!def || !kind) {
    q.orderByRaw(`properties->? ${dir} nulls last`, [sort]);
    return;
  }
  if (!SORTABLE_KINDS.has(kind)) throw validation({ sort: [`${def.data_type} properties cannot be sorted`] });
  q.orderByRaw(`${valueExpr(kind, def.name)} ${dir} nulls last`);
}
