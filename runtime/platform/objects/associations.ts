/**
 * Typed links between objects (docs/api/platform-api.txt, "Associations"): `from —association_type→ to`, stored as
 * pf_records rows (kind `associations`, parent = from object id) with both ends checked in the
 * tenant. POST is an upsert keyed by the five path parts; listing reads out-going, in-coming or both.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { loadObject, loadType } from '../objects/object-store.ts';
import { decodeCursor } from '../objects/object-query.ts';
import { actorOf, bodyOf, iso, param, tenantOf } from '../http/action-context.ts';

const KIND = 'associations';
/** The platform API document: "Optionally include a meta object (max 10KB)". */
const MAX_META_BYTES = 10 * 1024;

async function end(a: ActionContext, typeParam: string, idParam: string) {
  const type = await loadType(a.trx, tenantOf(a), param(a, typeParam));
  await loadObject(a.trx, tenantOf(a), type.id, param(a, idParam));
  return { type: type.id, id: param(a, idParam) };
}

function view(r: Record<string, any>) {
  return { id: r.id, ...r.data, created_by: r.created_by ?? null, created_at: iso(r.created_at), updated_at: iso(r.updated_at) };
}

function where(a: ActionContext, from: { type: string; id: string }, to: { type: string; id: string }) {
  return a
    .trx(T.records)
    .where({ company_id: tenantOf(a), kind: KIND, parent_id: from.id })
    .whereRaw("data->>'association_type' = ? and data->>'to_type' = ? and data->>'to_id' = ?", [
      param(a, 'association_type'),
      to.type,
      to.id,
    ]);
}

export const associationActions = {
  createOrUpdateAssociation: async (a) => {
    const from = await end(a, 'from_type', 'from_id');
    const to = await end(a, 'to_type', 'to_id');
    const kind = param(a, 'association_type');
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(kind)) throw validation({ association_type: ['use lowercase letters, digits, _ and - (max 64)'] });
    const meta = bodyOf(a).meta ?? {};
    if (typeof meta !== 'object' || Array.isArray(meta)) throw validation({ meta: ['must be an object'] });
    const size = Buffer.byteLength(JSON.stringify(meta), 'utf8');
    if (size > MAX_META_BYTES) throw validation({ meta: [`at most 10 KB as JSON (${MAX_META_BYTES} bytes); this one is ${size}`] });
    const data = JSON.stringify({ from_type: from.type, from_id: from.id, association_type: kind, to_type: to.type, to_id: to.id, meta });
    const existing = await where(a, from, to).first('id');
    if (existing) {
      await a.trx(T.records).where({ id: existing.id }).update({ data, updated_at: a.trx.fn.now() });
      return { status: 200, body: view(await a.trx(T.records).where({ id: existing.id }).first()) };
    }
    const id = newId('assoc');
    await a.trx(T.records).insert({
      id,
      company_id: tenantOf(a),
      kind: KIND,
      parent_id: from.id,
      data,
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: view(await a.trx(T.records).where({ id }).first()) };
  },
  deleteAssociation: async (a) => {
    const from = { type: (await loadType(a.trx, tenantOf(a), param(a, 'from_type'))).id, id: param(a, 'from_id') };
    const to = { type: (await loadType(a.trx, tenantOf(a), param(a, 'to_type'))).id, id: param(a, 'to_id') };
    const row = await where(a, from, to).first('id');
    if (!row) throw notFound('Association not found.');
    await a.trx(T.records).where({ id: row.id }).delete();
    return { body: { deleted: true } };
  },
  listAssociations: async (a) => {
    const self = await end(a, 'type', 'id');
    const q = a.query;
    const direction = String(q.direction ?? 'both');
    if (!['out', 'in', 'both', 'outgoing', 'incoming'].includes(direction)) throw validation({ direction: ['must be out, in or both'] });
    const limit = Math.min(Math.max(Number(q.limit) || 25, 1), 100);
    const offset = decodeCursor(q.cursor);
    const base = () => {
      const b = a.trx(T.records).where({ company_id: tenantOf(a), kind: KIND });
      b.andWhere((w) => {
        if (direction !== 'in' && direction !== 'incoming') w.orWhere({ parent_id: self.id });
        if (direction !== 'out' && direction !== 'outgoing') w.orWhereRaw("data->>'to_id' = ?", [self.id]);
      });
      if (q.association_type) b.whereRaw("data->>'association_type' = ?", [String(q.association_type)]);
      return b;
    };
    const rows = await base().orderBy('created_at').orderBy('id').limit(limit).offset(offset);
    const total = Number((await base().count({ n: '*' }).first())?.n ?? 0);
    const next = offset + rows.length < total ? Buffer.from(JSON.stringify({ o: offset + rows.length })).toString('base64url') : null;
    return {
      body: { results: rows.map((r) => ({ ...view(r), direction: r.parent_id === self.id ? 'out' : 'in' })), next_cursor: next, total },
    };
  },
} satisfies Record<string, ActionHandler>;
