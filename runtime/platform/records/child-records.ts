/**
 * Small child collections stored as rows of pf_records (kind, parent_id, data jsonb): access
 * policies, saved views and workflows of an object type, comments on an object, dashboard widgets,
 * custom events, role assignments and the logs that other features append to. One table, because
 * these are small per-parent lists whose shape the platform API document leaves open; a kind that grows queries of
 * its own gets its own catalogue resource.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { forbidden, notFound } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { actorOf, bodyOf, iso, param, parseJson, tenantOf } from '../http/action-context.ts';

export interface ChildSpec {
  readonly kind: string;
  /** Path parameter naming the parent, or a constant parent (`tenant`) for tenant-wide lists. */
  readonly parent: { param: string } | { fixed: string };
  /** Path parameter naming the child (update/delete). */
  readonly child?: string;
  /** Parent check (e.g. the object type exists in this tenant) before any access. */
  readonly parentTable?: string;
  /**
   * Only the caller who created a child may edit or delete it; names the child in the 403
   * (comments: "only the author can edit their own comments").
   */
  readonly authorOnly?: string;
}

function parentId(a: ActionContext, s: ChildSpec): string {
  return 'param' in s.parent ? param(a, s.parent.param) : s.parent.fixed;
}

async function checkParent(a: ActionContext, s: ChildSpec, id: string) {
  if (!s.parentTable) return;
  const q = a
    .trx(s.parentTable)
    .where({ company_id: tenantOf(a) })
    .andWhere((b) => b.where({ id }).orWhere(s.parentTable === T.objectTypes ? { name: id } : { id }));
  if (!(await q.first('id'))) throw notFound('Parent record not found.');
}

export function recordView(r: Record<string, unknown>) {
  return {
    id: r.id,
    parent_id: r.parent_id,
    ...(parseJson(r.data) ?? {}),
    created_by: r.created_by ?? null,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
  };
}

async function loadChild(a: ActionContext, s: ChildSpec) {
  const row = await a
    .trx(T.records)
    .where({ company_id: tenantOf(a), kind: s.kind, parent_id: parentId(a, s), id: param(a, s.child!) })
    .first();
  if (!row) throw notFound();
  // Another caller's child is refused, not hidden: it is listed to them, so 404 would be a lie.
  if (s.authorOnly && (row.created_by ?? null) !== actorOf(a)) {
    throw forbidden(`Only the author can edit or delete this ${s.authorOnly}.`, 'not_author');
  }
  return row;
}

/**
 * How a child list answers, as the platform API document shows it per endpoint: `false` the rows alone,
 * `true` the page `{results, total, next_cursor}`, a name `{<name>: rows, total}` (`{logs, total}`).
 */
export type ChildListShape = boolean | string;

export function listChildren(s: ChildSpec, paged: ChildListShape = false): ActionHandler {
  return async (a) => {
    const parent = parentId(a, s);
    await checkParent(a, s, parent);
    const limit = Math.min(Math.max(Number(a.query.limit) || 50, 1), 100);
    const offset = Math.max(Number(a.query.offset) || 0, 0);
    const base = () => a.trx(T.records).where({ company_id: tenantOf(a), kind: s.kind, parent_id: parent });
    const rows = await base().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset);
    if (!paged) return { body: rows.map(recordView) };
    const total = Number((await base().count({ n: '*' }).first())?.n ?? 0);
    if (typeof paged === 'string') return { body: { [paged]: rows.map(recordView), total } };
    return {
      body: { results: rows.map(recordView), total, next_cursor: offset + rows.length < total ? String(offset + rows.length) : null },
    };
  };
}

export function createChild(s: ChildSpec, extra?: (a: ActionContext) => Record<string, unknown>): ActionHandler {
  return async (a) => {
    const parent = parentId(a, s);
    await checkParent(a, s, parent);
    const id = newId(s.kind.slice(0, 4).replace(/[^a-z]/g, '') || 'rec');
    await a.trx(T.records).insert({
      id,
      company_id: tenantOf(a),
      kind: s.kind,
      parent_id: parent,
      data: JSON.stringify({ ...bodyOf(a), ...extra?.(a) }),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: recordView(await a.trx(T.records).where({ id }).first()) };
  };
}

export function updateChild(s: ChildSpec): ActionHandler {
  return async (a) => {
    const row = await loadChild(a, s);
    const data = { ...(parseJson(row.data) ?? {}), ...bodyOf(a) };
    await a
      .trx(T.records)
      .where({ id: row.id })
      .update({ data: JSON.stringify(data), updated_at: a.trx.fn.now() });
    return { body: recordView(await a.trx(T.records).where({ id: row.id }).first()) };
  };
}

export function deleteChild(s: ChildSpec): ActionHandler {
  return async (a) => {
    const row = await loadChild(a, s);
    await a.trx(T.records).where({ id: row.id }).delete();
    return { body: { deleted: true } };
  };
}

/** The four handlers of a child collection whose list, create, update and delete share one spec. */
export function childCrud(s: ChildSpec, paged: ChildListShape = false) {
  return { list: listChildren(s, paged), create: createChild(s), update: updateChild(s), remove: deleteChild(s) };
}

/** A child collection of an object type (`/v1/object-types/:object_type_id/<kind>/:<child>`). */
export const ofObjectType = (kind: string, child: string): ChildSpec => ({
  kind,
  parent: { param: 'object_type_id' },
  child,
  parentTable: T.objectTypes,
});
