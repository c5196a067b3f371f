/**
 * Before a write, every reference in the input must point at a live row the caller's company owns:
 * a foreign key alone would accept another tenant's row or a soft-deleted one. The same check makes
 * `workspace` belong to the company. Failures are 400s naming the field, in DRF's words.
 *
 * Whether a target table is tenant-owned or soft-deletes is read from information_schema once per
 * table (the descriptor's ColumnDescriptor names only the table), then cached for the process.
 */
import type { Knex } from 'knex';
import type { ResourceDescriptor } from '../descriptor.ts';
import { validation, type FieldErrors } from '../http/api-error.ts';
import { codecOf } from './row-codec.ts';

export interface TableShape {
  readonly tenant: boolean;
  readonly softDelete: boolean;
  /** The id column is an integer (serial), so non-numeric input can be refused without a query. */
  readonly numericId: boolean;
}
export type TableShapes = Map<string, Promise<TableShape>>;

function shapeOf(db: Knex, cache: TableShapes, table: string) {
  let hit = cache.get(table);
  if (!hit) {
    hit = db('information_schema.columns')
      .select('column_name', 'data_type')
      .where({ table_name: table })
      .whereRaw('table_schema = current_schema()')
      .then((rows: { column_name: string; data_type: string }[]) => {
        const cols = new Map(rows.map((r) => [r.column_name, r.data_type]));
        return {
          tenant: cols.has('company_id'),
          softDelete: cols.has('deleted_at'),
          numericId: /int|numeric/.test(cols.get('id') ?? ''),
        };
      });
    cache.set(table, hit);
    hit.catch(() => cache.delete(table));
  }
  return hit;
}

export async function checkRefs(
  db: Knex,
  cache: TableShapes,
  d: ResourceDescriptor,
  companyId: number | null,
  values: Record<string, unknown>,
): Promise<void> {
  const errors: FieldErrors = {};
  for (const c of codecOf(d).writable) {
    if (!c.refTable) continue;
    const v = values[c.column];
    if (v === undefined || v === null) continue;
    const shape = await shapeOf(db, cache, c.refTable);
    // A malformed id would raise 22P02 and abort the surrounding transaction, so refuse it here.
    if (shape.numericId && !/^\d{1,15}$/.test(String(v))) {
      errors[c.name] = [`Incorrect type. Expected pk value, received ${typeof v}.`];
      continue;
    }
    const q = db(c.refTable)
      .where('id', v as Knex.Value)
      .first(db.raw('1 as ok'));
    if (shape.tenant && companyId !== null) q.where('company_id', companyId);
    if (shape.softDelete) q.whereNull('deleted_at');
    if (!(await q)) errors[c.name] = [`Invalid pk "${String(v)}" - object does not exist.`];
  }
  if (Object.keys(errors).length) throw validation(errors);
}
