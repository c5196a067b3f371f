/**
 * The generic CRUD writes (runtime/crud/write-ops.ts), for CRUD handlers that only add a rule around
 * them: the same column mapping, catalogue defaults, reference checks (a reference must point at a live
 * row of the caller's company), tenant scoping and wire answer. The handler plumbing
 * (runtime/crud/crud-handler.ts) has already validated the body, preloaded the row and opened `a.trx`.
 */
import type { Knex } from 'knex';
import { checkRefs, type TableShapes } from '../../crud/ref-check.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { loadRow, now } from '../../crud/rows.ts';
import { companyOf, scoped } from '../../crud/scope.ts';
import type { ResourceDescriptor } from '../../descriptor.ts';
import type { ActionContext } from '../../runtime-api.ts';

/** Table shapes read once per process, like the generic CRUD's cache. */
const shapes: TableShapes = new Map();

/** The resource descriptor of a CRUD handler (set by the plumbing for every `handlers:` operation). */
export function resourceOf(a: ActionContext): ResourceDescriptor {
  const d = a.action.resource;
  if (!d) throw new Error(`${a.action.id} runs as a CRUD operation of a resource (catalogue handlers:)`);
  return d;
}

/** Body → column values, with the catalogue default of every writable column the body leaves out (create only). */
export function columnsOf(d: ResourceDescriptor, body: Readonly<Record<string, unknown>>, withDefaults: boolean): Record<string, unknown> {
  const codec = codecOf(d);
  const values = codec.toColumns({ ...body });
  if (withDefaults) {
    for (const c of codec.writable) {
      if (!(c.column in values) && c.default !== undefined) values[c.column] = codec.toColumns({ [c.name]: c.default })[c.column];
    }
  }
  return values;
}

/** Refuses references to another company's rows or to deleted ones (400 naming the field). */
export function checkReferences(trx: Knex, d: ResourceDescriptor, a: ActionContext, values: Record<string, unknown>): Promise<void> {
  return checkRefs(trx, shapes, d, companyOf(d, a.ctx), values);
}

/** PUT/PATCH of the row `id` in the caller's scope; answers the row as it now is. */
export async function updateRecord(a: ActionContext, d: ResourceDescriptor, id: number | string, body: Readonly<Record<string, unknown>>) {
  const values = columnsOf(d, body, false);
  await checkReferences(a.trx, d, a, values);
  if (codecOf(d).has('updated_at')) values.updated_at = now(a.trx);
  await scoped(a.trx, d, a.ctx).where(`${d.table}.id`, id).update(values);
  return (await loadRow(a.trx, d, a.ctx, String(id))).row;
}

/** DELETE of the row `id` in the caller's scope: hidden with soft delete, else removed. */
export async function deleteRecord(a: ActionContext, d: ResourceDescriptor, id: number | string): Promise<void> {
  const q = scoped(a.trx, d, a.ctx).where(`${d.table}.id`, id);
  if (d.softDelete) await q.update({ deleted_at: now(a.trx), ...(codecOf(d).has('updated_at') ? { updated_at: now(a.trx) } : {}) });
  else await q.delete();
}
