/**
 * SQL over one property of pf_objects.properties (jsonb), by the property's kind (property-types.ts):
 * the typed expression filters and sorts use, and the expression indexes `is_indexed`, `is_sortable`
 * and `is_unique` build. Filters, sorts and indexes share one expression text so PostgreSQL can use
 * the index for the query (docs/platform-properties.md).
 *
 * Property names are written into the SQL as string literals, not bound: an index matches a query
 * only when the expressions are the same, constants included. That is safe because a name reaching
 * here was checked against the type's declared properties, which only accept ^[a-z][a-z0-9_]{0,62}$.
 * Every expression yields NULL (never an error) for a value of another shape, e.g. one written under
 * a deleted property of the same name ("existing values become untyped").
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { INDEXABLE_KINDS, type PropertyKind, propertyType, SORTABLE_KINDS, UNIQUE_KINDS } from './property-types.ts';

const NAME = /^[a-z][a-z0-9_]{0,62}$/;
const ID = /^[A-Za-z0-9_]{1,60}$/;

/** The property name as a SQL string literal (only for names the catalogue rule allows). */
function lit(name: string): string {
  if (!NAME.test(name)) throw new Error(`property-sql: unsafe property name ${JSON.stringify(name)}`);
  return `'${name}'`;
}

/** Written without `?`, which knex would read as a binding placeholder. */
export const NUMERIC_TEXT = `'^-{0,1}[0-9]+([.][0-9]+){0,1}$'`;

/** `properties->'name'`: the stored JSON value of a property. */
export function jsonOf(name: string): string {
  return `properties->${lit(name)}`;
}

/** The typed expression of property `name` of kind `kind`; null for kinds that are not compared. */
export function valueExpr(kind: PropertyKind, name: string): string | null {
  const v = `(properties->>${lit(name)})`;
  switch (kind) {
    case 'text':
      return v;
    case 'chrono':
      // Canonical fixed-width text: byte order is time order whatever the database's collation.
      return `(${v} COLLATE "C")`;
    case 'numeric':
      // jsonb prints numbers without exponents, so one pattern covers JSON numbers and decimal strings.
      return `(CASE WHEN ${v} ~ ${NUMERIC_TEXT} THEN ${v}::numeric END)`;
    case 'boolean':
      return `(CASE WHEN jsonb_typeof(properties->${lit(name)}) = 'boolean' THEN ${v}::boolean END)`;
    case 'list':
      return `(CASE WHEN jsonb_typeof(properties->${lit(name)}) = 'array' THEN properties->${lit(name)} END)`;
    case 'geo': {
      const p = `properties->${lit(name)}`;
      return `(CASE WHEN jsonb_typeof(${p}->'lat') = 'number' AND jsonb_typeof(${p}->'lng') = 'number' THEN point((${p}->>'lng')::float8, (${p}->>'lat')::float8) END)`;
    }
    default:
      return null;
  }
}

export interface IndexedProperty {
  readonly id: string;
  readonly object_type_id: string;
  readonly name: string;
  readonly data_type: string;
  readonly is_indexed: boolean;
  readonly is_sortable: boolean;
  readonly is_unique: boolean;
}

/** Index names follow the property id, so a property's indexes are found without a catalogue table. */
export function indexNames(propertyId: string): { readonly lookup: string; readonly unique: string } {
  if (!ID.test(propertyId)) throw new Error(`property-sql: unexpected property id ${propertyId}`);
  const base = `pf_objects_${propertyId.toLowerCase()}`;
  return { lookup: `${base}_ix`, unique: `${base}_ux` };
}

function kindOf(p: Pick<IndexedProperty, 'data_type'>): PropertyKind {
  return propertyType(p.data_type)?.kind ?? 'opaque';
}

/** Which settings a data type supports, as field errors for the property body (empty when fine). */
export function settingErrors(
  p: Pick<IndexedProperty, 'data_type' | 'is_indexed' | 'is_sortable' | 'is_unique'>,
): Record<string, string[]> {
  const kind = kindOf(p);
  const t = p.data_type;
  const noIndex = propertyType(t)?.indexable === false;
  const errors: Record<string, string[]> = {};
  if (p.is_indexed && (noIndex || !INDEXABLE_KINDS.has(kind))) errors.is_indexed = [`${t} properties cannot be indexed`];
  if (p.is_sortable && (noIndex || !SORTABLE_KINDS.has(kind)))
    errors.is_sortable = [
      noIndex ? `${t} properties sort without an index; is_sortable is not available` : `${t} properties cannot be sorted`,
    ];
  if (p.is_unique && (noIndex || !UNIQUE_KINDS.has(kind))) errors.is_unique = [`${t} properties cannot be unique`];
  return errors;
}

/** The CREATE INDEX statements a property's settings call for (partial to its type's live objects). */
export function indexStatements(p: IndexedProperty): string[] {
  const kind = kindOf(p);
  const expr = valueExpr(kind, p.name);
  if (!expr || propertyType(p.data_type)?.indexable === false || !ID.test(p.object_type_id)) return [];
  const names = indexNames(p.id);
  const where = `WHERE object_type_id = '${p.object_type_id}' AND deleted_at IS NULL`;
  const out: string[] = [];
  if ((p.is_indexed || p.is_sortable) && INDEXABLE_KINDS.has(kind)) {
    const method = kind === 'list' ? 'gin' : kind === 'geo' ? 'gist' : 'btree';
    out.push(`CREATE INDEX IF NOT EXISTS "${names.lookup}" ON ${T.objects} USING ${method} (${expr}) ${where}`);
  }
  if (p.is_unique && UNIQUE_KINDS.has(kind))
    out.push(`CREATE UNIQUE INDEX IF NOT EXISTS "${names.unique}" ON ${T.objects} (${expr}) ${where}`);
  return out;
}

/**
 * Brings a property's indexes in line with its settings, in the caller's transaction: dropped and
 * (re)created with the property row change, so both commit or neither does. `null` drops them all.
 */
export async function syncPropertyIndexes(trx: Knex, propertyId: string, p: IndexedProperty | null): Promise<void> {
  const names = indexNames(propertyId);
  await trx.raw(`DROP INDEX IF EXISTS "${names.lookup}"`);
  await trx.raw(`DROP INDEX IF EXISTS "${names.unique}"`);
  for (const sql of p ? indexStatements(p) : []) await trx.raw(sql);
}

/** Stored values of the property that more than one live object holds (refuses `is_unique` before indexing). */
export async function duplicateValues(trx: Knex, p: IndexedProperty): Promise<number> {
  const expr = valueExpr(kindOf(p), p.name);
  if (!expr) return 0;
  const r = await trx.raw(
    `select count(*)::int as n from (select 1 from ${T.objects} where object_type_id = ? and deleted_at is null and ${expr} is not null
      group by ${expr} having count(*) > 1) d`,
    [p.object_type_id],
  );
  return Number(r.rows[0]?.n ?? 0);
}
