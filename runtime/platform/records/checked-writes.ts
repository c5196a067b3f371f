/**
 * Create and PATCH of a plain platform resource with a check of the row as it would be after the
 * write — for resources whose generic write must refuse what the generic validator cannot see (a URL
 * the egress policy refuses) or change values before they are stored (secrets sealed). The audit row
 * and the domain event are written by the CRUD handler plumbing (runtime/crud/crud-handler.ts).
 */
import type { ResourceDescriptor } from '../../descriptor.ts';
import { notFound } from '../../http/api-error.ts';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { newId } from '../../security/random-ids.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';

type Row = Record<string, unknown>;

export interface WriteCheck {
  /**
   * The column values to store, given those of the write and the row before it (null on create):
   * throws a 4xx to refuse; may replace values (sealing). `id` is the row's id.
   */
  (a: ActionContext, values: Row, before: Row | null, id: string): Promise<Row> | Row;
}

export interface CheckedWrites {
  readonly create: ActionHandler;
  readonly update: ActionHandler;
  readonly readOne: (a: ActionContext, id: string) => Promise<Row>;
}

export function checkedWrites(d: ResourceDescriptor, check: WriteCheck): CheckedWrites {
  const codec = codecOf(d);
  const readOne = async (a: ActionContext, id: string) => {
    const [row] = await a
      .trx(d.table)
      .where({ id, company_id: tenantOf(a) })
      .select(codec.select(a.trx));
    if (!row) throw notFound();
    return codec.toWire(row);
  };
  return {
    readOne,
    create: async (a) => {
      const values = codec.toColumns(bodyOf(a));
      for (const c of codec.writable)
        if (!(c.column in values) && c.default !== undefined) values[c.column] = codec.toColumns({ [c.name]: c.default })[c.column];
      const id = newId(d.idPrefix ?? d.name.slice(0, 3));
      const stored = await check(a, values, null, id);
      await a.trx(d.table).insert({
        ...stored,
        id,
        company_id: tenantOf(a),
        ...(codec.has('created_by') ? { created_by: actorOf(a) } : {}),
        created_at: a.trx.fn.now(),
        updated_at: a.trx.fn.now(),
      });
      return { status: 201, body: await readOne(a, id) };
    },
    update: async (a) => {
      const id = param(a, 'id');
      const before = await a
        .trx(d.table)
        .where({ id, company_id: tenantOf(a) })
        .forUpdate()
        .first();
      if (!before) throw notFound();
      const stored = await check(a, codec.toColumns(bodyOf(a)), before, id);
      await a
        .trx(d.table)
        .where({ id, company_id: tenantOf(a) })
        .update({ ...stored, updated_at: a.trx.fn.now() });
      return { body: await readOne(a, id) };
    },
  };
}
