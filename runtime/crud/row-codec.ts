/**
 * Moving values between the wire and SQL for one resource. Everything per-descriptor is computed
 * once and cached (WeakMap keyed by the descriptor), so a request only maps values.
 * Wire conventions: refs are named without `_id` (`service_id` → `service`), decimals are strings,
 * timestamps ISO 8601, dates `YYYY-MM-DD`.
 */
import type { Knex } from 'knex';
import type { ColumnDescriptor, ResourceDescriptor } from '../descriptor.ts';

export interface Codec {
  /** Select list: `"col"` or `"col"::text as "col"` for dates (drivers disagree on time zones otherwise). */
  select(db: Knex, alias?: string): (string | Knex.Raw)[];
  /** SQL row → response object (wire names, write-only columns dropped). */
  toWire(row: Record<string, unknown>): Record<string, unknown>;
  /** Parsed input (wire names) → column values for writable columns present in the input. */
  toColumns(input: Record<string, unknown>): Record<string, unknown>;
  byName: ReadonlyMap<string, ColumnDescriptor>;
  byColumn: ReadonlyMap<string, ColumnDescriptor>;
  /** Columns clients may set (not read-only). */
  writable: readonly ColumnDescriptor[];
  /** SQL column → wire name, for error messages. */
  fieldOf(column: string): string;
  has(column: string): boolean;
}

const cache = new WeakMap<ResourceDescriptor, Codec>();

function wireValue(c: ColumnDescriptor, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (c.type) {
    case 'decimal':
      return typeof v === 'number' ? String(v) : v;
    case 'datetime':
      return v instanceof Date ? v.toISOString() : v;
    case 'date':
      return v instanceof Date ? v.toISOString().slice(0, 10) : v;
    case 'integer':
    case 'ref':
      // bigint columns (serial ids and the keys that point at them) arrive as strings from node-postgres;
      // prefixed ids contain `_` and stay strings.
      return typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
    default:
      return v;
  }
}

function sqlValue(c: ColumnDescriptor, v: unknown): unknown {
  if (v === undefined || v === null) return v;
  // node-postgres would turn a JS array into a PG array literal; json columns need JSON text.
  if (c.type === 'json') return JSON.stringify(v);
  return v;
}

export function codecOf(d: ResourceDescriptor): Codec {
  const hit = cache.get(d);
  if (hit) return hit;
  const byName = new Map(d.columns.map((c) => [c.name, c]));
  const byColumn = new Map(d.columns.map((c) => [c.column, c]));
  const selected = d.selectColumns.map((col) => byColumn.get(col)).filter((c): c is ColumnDescriptor => !!c);
  const writable = d.columns.filter((c) => !c.readOnly);
  const codec: Codec = {
    byName,
    byColumn,
    writable,
    select(db, alias) {
      const q = (col: string) => (alias ? `${alias}.${col}` : col);
      return selected.map((c) => (c.type === 'date' ? db.raw('??::text as ??', [q(c.column), c.column]) : q(c.column)));
    },
    toWire(row) {
      const out: Record<string, unknown> = {};
      for (const c of selected) out[c.name] = wireValue(c, row[c.column]);
      return out;
    },
    toColumns(input) {
      const out: Record<string, unknown> = {};
      for (const c of writable) {
        if (Object.prototype.hasOwnProperty.call(input, c.name)) out[c.column] = sqlValue(c, input[c.name]);
      }
      return out;
    },
    fieldOf: (column) => byColumn.get(column)?.name ?? column,
    has: (column) => byColumn.has(column),
  };
  cache.set(d, codec);
  return codec;
}
