/** Objects of tenant-defined types (docs/api/platform-api.txt, "Objects"): CRUD, trash, versions, batch, search, aggregate. */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { guardedDelete, rowsOf } from '../dependencies/confirm-delete.ts';
import { insertObject, loadObject, loadType, objects, objectView, updateObject } from '../objects/object-store.ts';
import { aggregateObjects, type Filter, queryObjects } from '../objects/object-query.ts';
import { emitEvent } from '../webhooks/emit-event.ts';
import { actorOf, bodyOf, iso, param, parseJson, tenantOf } from '../http/action-context.ts';

const MAX_BATCH = 100;

async function typeOf(a: ActionContext) {
  return loadType(a.trx, tenantOf(a), param(a, 'object_type_id'));
}

function list<T>(v: unknown, field: string): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw validation({ [field]: ['must be a list'] });
  if (v.length > MAX_BATCH) throw validation({ [field]: [`at most ${MAX_BATCH} items`] });
  return v as T[];
}

export const objectActions = {
  createObject: async (a) => {
    const row = await insertObject(a.trx, tenantOf(a), await typeOf(a), bodyOf(a).properties ?? {}, actorOf(a));
    await emitEvent(a.trx, tenantOf(a), 'object.created', objectView(row));
    return { status: 201, body: objectView(row) };
  },
  getObject: async (a) => {
    const type = await typeOf(a);
    return { body: objectView(await loadObject(a.trx, tenantOf(a), type.id, param(a, 'object_id'))) };
  },
  updateObject: async (a) => {
    const row = await updateObject(a.trx, tenantOf(a), await typeOf(a), param(a, 'object_id'), bodyOf(a).properties ?? {}, actorOf(a));
    await emitEvent(a.trx, tenantOf(a), 'object.updated', objectView(row));
    return { body: objectView(row) };
  },
  /** Soft delete to trash; `force=true` deletes for good, guarded by DEPENDENCY_EXISTS (comments, versions). */
  deleteObject: async (a) => {
    const tenant = tenantOf(a);
    const type = await typeOf(a);
    const id = param(a, 'object_id');
    const force = a.query.force === true || a.query.force === 'true';
    if (!force) {
      await loadObject(a.trx, tenant, type.id, id);
      await objects(a.trx, tenant, type.id).where({ id }).update({ deleted_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
      await emitEvent(a.trx, tenant, 'object.deleted', { id, object_type_id: type.id });
      return { body: { id, deleted: true } };
    }
    const exists = await objects(a.trx, tenant, type.id).where({ id }).first('id');
    if (!exists) await loadObject(a.trx, tenant, type.id, id); // 404
    const refused = await guardedDelete(a, {
      resource: 'objects',
      recordId: id,
      dependents: [
        rowsOf(T.records, 'parent_id', id, tenant, 'comments', 'Comments', (q) => q.where({ kind: 'comments' })),
        rowsOf(T.objectVersions, 'object_id', id, tenant, 'versions', 'Versions'),
      ],
      remove: async (trx) => {
        await trx(T.records).where({ company_id: tenant, parent_id: id }).delete();
        await objects(trx, tenant, type.id).where({ id }).delete();
      },
    });
    return refused ?? { body: { id, deleted: true } };
  },
  restoreDeletedObject: async (a) => {
    const tenant = tenantOf(a);
    const type = await typeOf(a);
    const id = param(a, 'object_id');
    await loadObject(a.trx, tenant, type.id, id, true);
    await objects(a.trx, tenant, type.id).where({ id }).update({ deleted_at: null, updated_at: a.trx.fn.now() });
    return { body: objectView(await loadObject(a.trx, tenant, type.id, id)) };
  },
  listObjects: async (a) => {
    const type = await typeOf(a);
    const q = a.query as Record<string, string | number | undefined>;
    return {
      body: await queryObjects(a.trx, tenantOf(a), type.id, {
        limit: Number(q.limit) || undefined,
        cursor: q.cursor as string,
        sort: q.sort as string,
        order: q.order as string,
      }),
    };
  },
  listTrashedObjects: async (a) => {
    const type = await typeOf(a);
    const q = a.query as Record<string, string | number | undefined>;
    return {
      body: await queryObjects(a.trx, tenantOf(a), type.id, {
        limit: Number(q.limit) || undefined,
        cursor: q.cursor as string,
        deleted: true,
      }),
    };
  },
  searchObjects: async (a) => {
    const type = await typeOf(a);
    const b = bodyOf(a);
    return {
      body: await queryObjects(a.trx, tenantOf(a), type.id, {
        filters: list<Filter>(b.filters, 'filters').filter((f) => f && Object.keys(f).length),
        query: typeof b.query === 'string' ? b.query : undefined,
        sort: b.sort as string,
        order: b.order as string,
        limit: Number(b.limit) || undefined,
        cursor: b.cursor as string,
      }),
    };
  },
  aggregateObjects: async (a) => {
    const type = await typeOf(a);
    const b = bodyOf(a);
    const results = await aggregateObjects(
      a.trx,
      tenantOf(a),
      type.id,
      list(b.aggregations, 'aggregations'),
      list<Filter>(b.filters, 'filters').filter((f) => f && Object.keys(f).length),
      list<string>(b.group_by, 'group_by'),
    );
    return { body: { results } };
  },
  batchCreateObjects: async (a) => {
    const type = await typeOf(a);
    const items = list<{ properties?: unknown }>(bodyOf(a).objects, 'objects');
    const ids: string[] = [];
    // All or nothing: the request transaction rolls back every insert when one object is invalid.
    for (const item of items) ids.push((await insertObject(a.trx, tenantOf(a), type, item?.properties ?? {}, actorOf(a))).id as string);
    return { status: 201, body: { created: ids.length, ids } };
  },
  batchReadObjects: async (a) => {
    const type = await typeOf(a);
    const ids = list<string>(bodyOf(a).object_ids, 'object_ids');
    const rows = ids.length ? await objects(a.trx, tenantOf(a), type.id).whereIn('id', ids).whereNull('deleted_at') : [];
    return { body: rows.map(objectView) };
  },
  batchUpdateObjects: async (a) => {
    const type = await typeOf(a);
    const updates = list<{ object_id?: string; properties?: unknown }>(bodyOf(a).updates, 'updates');
    const out = [];
    for (const u of updates) {
      const row = await updateObject(a.trx, tenantOf(a), type, String(u?.object_id ?? ''), u?.properties ?? {}, actorOf(a));
      out.push({ object_id: row.id, version: Number(row.version) });
    }
    return { body: out };
  },
  listObjectVersionHistory: async (a) => {
    const type = await typeOf(a);
    const id = param(a, 'object_id');
    await loadObject(a.trx, tenantOf(a), type.id, id);
    const limit = Math.min(Math.max(Number(a.query.limit) || 50, 1), 100);
    const rows = await a
      .trx(T.objectVersions)
      .where({ company_id: tenantOf(a), object_id: id })
      .orderBy('version', 'desc')
      .limit(limit);
    return {
      body: rows.map((r) => ({
        id: r.id,
        object_id: r.object_id,
        version: Number(r.version),
        properties: parseJson(r.properties),
        created_by: r.created_by,
        created_at: iso(r.created_at),
      })),
    };
  },
} satisfies Record<string, ActionHandler>;
