/**
 * Rows that handlers write, answered in the same wire form the generic CRUD uses: the generated
 * resource descriptor's codec (runtime/crud/row-codec.ts) decides names, dates, decimals and which
 * columns are write-only, so a catalogue change reaches handlers without a hand-kept copy.
 */
import type { Knex } from 'knex';
import { codecOf } from '../../crud/row-codec.ts';
import type { ResourceDescriptor } from '../../descriptor.ts';
import { notFound } from '../../http/api-error.ts';

/** Select list of the resource's response columns, qualified by its table (safe in joins). */
export function wireColumns(db: Knex, d: ResourceDescriptor): (string | Knex.Raw)[] {
  return codecOf(d).select(db, d.table);
}

export function toWire(d: ResourceDescriptor, row: Record<string, unknown>): Record<string, unknown> {
  return codecOf(d).toWire(row);
}

/** One live row of the company, in wire form; 404 when missing. */
export async function fetchRow(
  db: Knex,
  d: ResourceDescriptor,
  companyId: number,
  id: number | string,
  what = 'Record',
): Promise<Record<string, unknown>> {
  const q = db(d.table).where({ [`${d.table}.id`]: id, [`${d.table}.company_id`]: companyId });
  if (d.softDelete) q.whereNull(`${d.table}.deleted_at`);
  const row = (await q.first(wireColumns(db, d))) as Record<string, unknown> | undefined;
  if (!row) throw notFound(`${what} ${id} not found.`);
  return toWire(d, row);
}
