/**
 * Listing, searching and aggregating objects. Filters are `{ property, operator, value }`, typed by the
 * property they name (property-filters.ts: eq, neq, gt, gte, lt, lte, contains, in, is_null, within). Pages: `limit` (1–100, default 20, as the platform API document says) and an opaque
 * cursor (base64 offset; keyset paging on (created_at, id) is the next step for big types).
 */
import type { Knex } from 'knex';
import { validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { objects, objectView } from './object-store.ts';
import { applyFilter as typedFilter, applySort, type Filter, type TypedProperty } from './property-filters.ts';
import { propertyType } from './property-types.ts';
import { valueExpr } from './property-sql.ts';

export type { Filter } from './property-filters.ts';

/**
 * One filter over objects; typed when `defs` (declared(db, typeId)) names its property. Reports that
 * pass no defs filter as before types were enforced.
 */
export function applyFilter(q: Knex.QueryBuilder, f: Filter, i: number, defs: ReadonlyMap<string, TypedProperty> = new Map()): void {
  typedFilter(q, defs, f, i);
}

const SYSTEM_SORT = new Set(['created_at', 'updated_at', 'id', 'version']);

/** The type's declared properties by name, for typed filters and sorts. */
export async function declared(db: Knex, typeId: string): Promise<Map<string, TypedProperty>> {
  const rows: TypedProperty[] = await db(T.properties).where({ object_type_id: typeId }).select('name', 'data_type', 'enum_values');
  return new Map(rows.map((r) => [r.name, r]));
}

export function decodeCursor(cursor: unknown): number {
  if (typeof cursor !== 'string' || !cursor) return 0;
  try {
    const n = Number(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')).o);
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    throw validation({ cursor: ['is not a valid cursor'] });
  }
}

const encodeCursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');

export interface QueryOptions {
  readonly filters?: readonly Filter[];
  readonly query?: string;
  readonly sort?: string;
  readonly order?: string;
  readonly limit?: number;
  readonly cursor?: string;
  readonly deleted?: boolean;
}

export async function queryObjects(db: Knex, companyId: number, typeId: string, o: QueryOptions) {
  const limit = Math.min(Math.max(Number(o.limit) || 20, 1), 100);
  const offset = decodeCursor(o.cursor);
  const defs = await declared(db, typeId);
  const base = () => {
    const q = objects(db, companyId, typeId);
    if (o.deleted) q.whereNotNull('deleted_at');
    else q.whereNull('deleted_at');
    (o.filters ?? []).forEach((f, i) => applyFilter(q, f, i, defs));
    if (o.query) q.whereRaw('properties::text ilike ?', [`%${o.query}%`]);
    return q;
  };
  const dir = o.order === 'asc' ? 'asc' : 'desc';
  const rows = base()
    .limit(limit + 1)
    .offset(offset);
  if (o.sort && SYSTEM_SORT.has(o.sort)) rows.orderBy(o.sort, dir);
  // Typed: numbers numerically, dates and times chronologically (property-filters.ts).
  else if (o.sort) applySort(rows, defs, o.sort, dir);
  rows.orderBy('created_at', dir).orderBy('id', dir);
  const [list, total] = await Promise.all([rows, base().count({ n: '*' }).first()]);
  const more = list.length > limit;
  return {
    results: list.slice(0, limit).map(objectView),
    total: Number(total?.n ?? 0),
    next_cursor: more ? encodeCursor(offset + limit) : null,
  };
}

const AGG = new Set(['count', 'sum', 'avg', 'min', 'max']);

export interface Aggregation {
  readonly function: string;
  readonly property_id?: string;
  readonly alias?: string;
}

/**
 * Property references of an aggregation, by id (`prop_…`, as the platform API document's `property_id`
 * says) or by name, turned into the names objects are stored under. An unknown one is a 400, not a
 * silent `null` column.
 */
async function propertyNames(db: Knex, typeId: string): Promise<(ref: string, field: string) => string> {
  const rows: { id: string; name: string }[] = await db(T.properties).where({ object_type_id: typeId }).select('id', 'name');
  const byRef = new Map<string, string>();
  for (const r of rows) byRef.set(r.name, r.name);
  for (const r of rows) byRef.set(r.id, r.name);
  return (ref, field) => {
    const name = byRef.get(ref);
    if (name === undefined) throw validation({ [field]: [`"${ref}" is not a property of this object type (name it or give its id)`] });
    return name;
  };
}

/**
 * sum/avg over numbers (numeric, so decimals add exactly); min/max also over dates and times, whose
 * canonical text orders chronologically. Other kinds are a 400 rather than a cast error.
 */
function aggregateOf(db: Knex, fn: string, def: TypedProperty | undefined, name: string, alias: string, field: string): Knex.Raw {
  const kind = def ? propertyType(def.data_type)?.kind : undefined;
  if (kind === 'numeric') return db.raw(`${fn}(${valueExpr(kind, name)})::float as ??`, [alias]);
  if (kind === 'chrono' && (fn === 'min' || fn === 'max')) return db.raw(`${fn}(${valueExpr(kind, name)}) as ??`, [alias]);
  throw validation({
    [field]: [`${fn} needs a number property${fn === 'min' || fn === 'max' ? ' or a date/time one' : ''}; "${name}" is ${def?.data_type}`],
  });
}

/** `property_id` and `group_by` name a property by id or name. Group keys come back as text. */
export async function aggregateObjects(
  db: Knex,
  companyId: number,
  typeId: string,
  aggs: readonly Aggregation[],
  filters: readonly Filter[],
  groupBy: readonly string[],
) {
  if (!aggs.length) throw validation({ aggregations: ['needs at least one aggregation'] });
  const nameOf = await propertyNames(db, typeId);
  const defs = await declared(db, typeId);
  const q = objects(db, companyId, typeId).whereNull('deleted_at');
  filters.forEach((f, i) => applyFilter(q, f, i, defs));
  const selects: Knex.Raw[] = [];
  aggs.forEach((a, i) => {
    if (!AGG.has(a.function)) throw validation({ [`aggregations.${i}.function`]: ['must be count, sum, avg, min or max'] });
    const alias = a.alias && /^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(a.alias) ? a.alias : `${a.function}_${i}`;
    const field = `aggregations.${i}.property_id`;
    if (a.property_id != null && typeof a.property_id !== 'string') throw validation({ [field]: ['must be a string'] });
    if (a.function === 'count' && !a.property_id) selects.push(db.raw('count(*)::int as ??', [alias]));
    else if (a.function === 'count') selects.push(db.raw('count(properties->>?)::int as ??', [nameOf(a.property_id!, field), alias]));
    else if (!a.property_id) throw validation({ [field]: ['is required'] });
    else selects.push(aggregateOf(db, a.function, defs.get(nameOf(a.property_id, field)), nameOf(a.property_id, field), alias, field));
  });
  groupBy.forEach((g, i) => {
    if (typeof g !== 'string') throw validation({ [`group_by.${i}`]: ['must be a property name or id'] });
    selects.unshift(db.raw('properties->>? as ??', [nameOf(g, `group_by.${i}`), `group_${i}`]));
  });
  q.select(selects);
  // Group by select-list position: the same expression with differently numbered parameters is a
  // different expression to PostgreSQL.
  if (groupBy.length) q.groupByRaw(groupBy.map((_, i) => String(i + 1)).join(', '));
  const rows = await q;
  return rows.map((r: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    groupBy.forEach((g, i) => (out[g] = r[`group_${i}`]));
    for (const [k, v] of Object.entries(r)) if (!k.startsWith('group_')) out[k] = v;
    return out;
  });
}
