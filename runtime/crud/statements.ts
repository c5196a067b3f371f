/**
 * The SQL of the hot CRUD paths, written once per descriptor (and per ordering / column set) instead of
 * through the query builder on every request (docs/performance.md). Each text is a named prepared
 * statement (runtime/db/prepared.ts). Timestamps are formatted by PostgreSQL exactly as
 * `Date#toISOString` writes them, so rows reach the wire without a Date round trip and the audit row
 * written by the same statement holds the same strings as the answer.
 */
import type { ColumnDescriptor, ResourceDescriptor } from '../descriptor.ts';
import { statement, type Statement } from '../db/prepared.ts';
import type { OrderTerm } from './list-query.ts';
import type { Visibility } from './scope.ts';

export const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/** One selected column in its wire-ready SQL form, qualified by `alias`. */
function selectItem(c: ColumnDescriptor, alias: string): string {
  const col = `${alias}.${ident(c.column)}`;
  if (c.type === 'date') return `${col}::text as ${ident(c.column)}`;
  if (c.type === 'datetime') return `to_char(${col} at time zone 'UTC', ${ISO}) as ${ident(c.column)}`;
  return `${col} as ${ident(c.column)}`;
}

interface Prepared {
  readonly columns: readonly ColumnDescriptor[];
  readonly selectList: string;
  readonly retrieve: Statement;
  readonly lists: Map<string, Statement>;
  readonly creates: Map<string, Statement>;
}

const cache = new WeakMap<ResourceDescriptor, Prepared>();
/** Distinct list orderings / create column sets kept per descriptor; past it texts still run, unnamed-cached. */
const MAX_VARIANTS = 64;

function preparedOf(d: ResourceDescriptor): Prepared {
  let p = cache.get(d);
  if (p) return p;
  const byColumn = new Map(d.columns.map((c) => [c.column, c]));
  const columns = d.selectColumns.map((col) => byColumn.get(col)).filter((c): c is ColumnDescriptor => !!c);
  const t = ident(d.table);
  const selectList = columns.map((c) => selectItem(c, t)).join(', ');
  const tenant = d.scope === 'global' ? [] : [`${t}."company_id" = $1`];
  const live = d.softDelete ? [`${t}."deleted_at" is null`] : [];
  const idParam = `$${tenant.length + 1}`;
  const retrieve = statement(
    `select ${selectList} from ${t} where ${[...tenant, ...live, `${t}."id" = ${idParam}`].join(' and ')} limit 1`,
  );
  p = { columns, selectList, retrieve, lists: new Map(), creates: new Map() };
  cache.set(d, p);
  return p;
}

/** Whether the prepared paths serve this resource: a tenant root's scope depends on the caller, so it keeps the builder. */
export function preparable(d: ResourceDescriptor): boolean {
  return !d.tenantRoot;
}

/** `select … where company_id = $1 and deleted_at is null and id = $2` (no company parameter for global resources). */
export function retrieveStatement(d: ResourceDescriptor): Statement {
  return preparedOf(d).retrieve;
}

function remember(map: Map<string, Statement>, key: string, make: () => Statement): Statement {
  const hit = map.get(key);
  if (hit) return hit;
  const s = make();
  if (map.size < MAX_VARIANTS) map.set(key, s);
  return s;
}

function visibilityWhere(t: string, v: Visibility): string[] {
  if (v === 'live') return [`${t}."deleted_at" is null`];
  if (v === 'deleted') return [`${t}."deleted_at" is not null`];
  return [];
}

/**
 * A page with its total, one round trip: the total is a scalar subquery (an index-only count over the
 * tenant's live rows) rather than `count(*) over()`, which made PostgreSQL read and carry every row
 * of the tenant before taking 20. Parameters: [company?, limit, offset].
 */
export function listStatement(d: ResourceDescriptor, visibility: Visibility, order: readonly OrderTerm[]): Statement {
  const p = preparedOf(d);
  const key = `${visibility}|${order.map((o) => (o.desc ? '-' : '') + o.column).join(',')}`;
  return remember(p.lists, key, () => {
    const t = ident(d.table);
    const where = [...(d.scope === 'global' ? [] : [`${t}."company_id" = $1`]), ...(d.softDelete ? visibilityWhere(t, visibility) : [])];
    const whereSql = where.length ? ` where ${where.join(' and ')}` : '';
    const n = d.scope === 'global' ? 0 : 1;
    const orderSql = order.map((o) => `${t}.${ident(o.column)} ${o.desc ? 'desc' : 'asc'}`).join(', ');
    return statement(
      `select ${p.selectList}, (select count(*) from ${t}${whereSql}) as "__total" from ${t}${whereSql}` +
        ` order by ${orderSql} limit $${n + 1} offset $${n + 2}`,
    );
  });
}

/** The audit row's part of a single-statement write: its table and the values known before the write. */
export interface InlineAudit {
  readonly table: string;
  /** Column → value, bound as parameters. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Columns that take the written row's id (as text) and its field-level changes (jsonb `{field: {from: null, to}}`). */
  readonly recordIdColumn: string;
  readonly changesColumn: string;
  /** Columns set to now(). */
  readonly nowColumns: readonly string[];
}

/** Wire form of one written column as jsonb (decimals are strings on the wire). */
function jsonOf(c: ColumnDescriptor): string {
  const col = `ins.${ident(c.column)}`;
  return c.type === 'decimal' ? `to_jsonb(${col}::text)` : `to_jsonb(${col})`;
}

/**
 * `INSERT … RETURNING` the row in its wire form and, through a CTE, the audit row of the create in the
 * same statement (so in the same implicit transaction): one round trip instead of BEGIN, INSERT,
 * SELECT, INSERT audit, COMMIT. `columns` are the inserted columns in parameter order; `nowColumns`
 * are set to now(). The audit's changes are `diff(null, row)`: every non-null field, `{from: null, to}`.
 */
export function createStatement(
  d: ResourceDescriptor,
  columns: readonly string[],
  nowColumns: readonly string[],
  audit: Omit<InlineAudit, 'values'> & { readonly valueColumns: readonly string[] },
): Statement {
  const p = preparedOf(d);
  const key = `${columns.join(',')}|${nowColumns.join(',')}|${audit.table}|${audit.valueColumns.join(',')}`;
  return remember(p.creates, key, () => {
    const t = ident(d.table);
    const insertCols = [...columns, ...nowColumns].map(ident).join(', ');
    const insertVals = [...columns.map((_, i) => `$${i + 1}`), ...nowColumns.map(() => 'now()')].join(', ');
    const returning = p.columns.map((c) => selectItem(c, t)).join(', ');
    // jsonb_build_object takes at most 100 arguments: 50 fields per object, joined with ||.
    const pairs = p.columns.map((c) => `'${c.name.replace(/'/g, "''")}', ${jsonOf(c)}`);
    const objects: string[] = [];
    for (let i = 0; i < pairs.length; i += 50) objects.push(`jsonb_build_object(${pairs.slice(i, i + 50).join(', ')})`);
    const changes =
      `(select coalesce(jsonb_object_agg(e.key, jsonb_build_object('from', null, 'to', e.value)), '{}'::jsonb)` +
      ` from jsonb_each(${objects.join(' || ') || "'{}'::jsonb"}) e where e.value <> 'null'::jsonb)`;
    const first = columns.length + 1;
    const auditCols = [...audit.valueColumns, audit.recordIdColumn, audit.changesColumn, ...audit.nowColumns].map(ident).join(', ');
    const auditVals = [
      ...audit.valueColumns.map((_, i) => `$${first + i}`),
      `ins."id"::text`,
      changes,
      ...audit.nowColumns.map(() => 'now()'),
    ].join(', ');
    return statement(
      `with ins as (insert into ${t} (${insertCols}) values (${insertVals}) returning ${returning}),` +
        ` aud as (insert into ${ident(audit.table)} (${auditCols}) select ${auditVals} from ins)` +
        ` select * from ins`,
    );
  });
}
