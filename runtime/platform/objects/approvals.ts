/**
 * Approval workflows on objects (docs/api/platform-api.txt, "Workflows"): an object type's enabled workflow
 * (pf_records kind `workflows`, `stages: ["Manager", "Finance"]` or `[{name}]`) takes an object
 * through submit-for-review → approve (one stage at a time) → approved, or reject at any stage.
 * The object's state is a pf_records row (kind `approvals`, parent = object id) with its history.
 * Each transition notifies the object's creator when that is an end user (kind `notifications`).
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { conflict, notFound } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { loadObject, loadType } from '../objects/object-store.ts';
import { emitEvent } from '../webhooks/emit-event.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';

interface State {
  workflow_id: string;
  stages: string[];
  stage_index: number;
  status: 'in_review' | 'approved' | 'rejected';
  history: Record<string, unknown>[];
}

async function target(a: ActionContext) {
  const type = await loadType(a.trx, tenantOf(a), param(a, 'object_type_id'));
  const obj = await loadObject(a.trx, tenantOf(a), type.id, param(a, 'object_id'));
  const row = await a
    .trx(T.records)
    .where({ company_id: tenantOf(a), kind: 'approvals', parent_id: obj.id })
    .first();
  return { type, obj, row, state: row?.data as State | undefined };
}

function stageNames(v: unknown): string[] {
  return (Array.isArray(v) ? v : [])
    .map((s) => (typeof s === 'string' ? s : String((s as { name?: unknown })?.name ?? '')))
    .filter(Boolean);
}

function view(s: State | undefined) {
  if (!s) return { status: 'none', stage: null, history: [] };
  return {
    status: s.status,
    stage: s.status === 'in_review' ? s.stages[s.stage_index] : null,
    stages: s.stages,
    workflow_id: s.workflow_id,
    history: s.history,
  };
}

async function save(a: ActionContext, objectId: string, rowId: string | undefined, s: State) {
  if (rowId)
    await a
      .trx(T.records)
      .where({ id: rowId })
      .update({ data: JSON.stringify(s), updated_at: a.trx.fn.now() });
  else
    await a.trx(T.records).insert({
      id: newId('appr'),
      company_id: tenantOf(a),
      kind: 'approvals',
      parent_id: objectId,
      data: JSON.stringify(s),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
}

async function notifyCreator(a: ActionContext, obj: Record<string, unknown>, title: string) {
  const creator = obj.created_by
    ? await a
        .trx(T.users)
        .where({ company_id: tenantOf(a), id: String(obj.created_by) })
        .first('id')
    : null;
  if (!creator) return;
  await a.trx(T.records).insert({
    id: newId('ntf'),
    company_id: tenantOf(a),
    kind: 'notifications',
    parent_id: creator.id,
    data: JSON.stringify({ title, object_id: obj.id, read_at: null }),
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
}

function inReview(s: State | undefined): State {
  if (!s || s.status !== 'in_review') throw conflict('The object is not in review (submit it first).', 'not_in_review');
  return s;
}

const step = (a: ActionContext, action: string, stage: string | undefined, extra: Record<string, unknown> = {}) => ({
  action,
  stage: stage ?? null,
  by: actorOf(a),
  at: new Date().toISOString(),
  ...extra,
});

export const approvalActions = {
  getWorkflowStatus: async (a) => ({ body: view((await target(a)).state) }),
  submitForReview: async (a) => {
    const t = await target(a);
    if (t.state?.status === 'in_review') throw conflict('The object is already in review.', 'already_in_review');
    const flows = await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: 'workflows', parent_id: t.type.id })
      .orderBy('created_at');
    const flow = flows.find((f) => f.data?.enabled !== false && stageNames(f.data?.stages).length > 0);
    if (!flow) throw notFound('This object type has no enabled workflow with stages (POST /v1/object-types/:id/workflows).');
    const stages = stageNames(flow.data.stages);
    const s: State = {
      workflow_id: flow.id,
      stages,
      stage_index: 0,
      status: 'in_review',
      history: [...(t.state?.history ?? []), step(a, 'submitted', stages[0])],
    };
    await save(a, String(t.obj.id), t.row?.id, s);
    await emitEvent(a.trx, tenantOf(a), 'object.submitted', { id: t.obj.id, object_type_id: t.type.id, stage: stages[0] });
    return { body: { submitted: true, ...view(s) } };
  },
  approveObject: async (a) => {
    const t = await target(a);
    const s = inReview(t.state);
    const stage = s.stages[s.stage_index];
    s.history.push(step(a, 'approved', stage, { comment: bodyOf(a).comment ?? null }));
    if (s.stage_index + 1 >= s.stages.length) s.status = 'approved';
    else s.stage_index += 1;
    await save(a, String(t.obj.id), t.row.id, s);
    if (s.status === 'approved') {
      await notifyCreator(a, t.obj, 'Your submission was approved.');
      await emitEvent(a.trx, tenantOf(a), 'object.approved', { id: t.obj.id, object_type_id: t.type.id });
    }
    return { body: { approved: s.status === 'approved', ...view(s) } };
  },
  rejectObject: async (a) => {
    const t = await target(a);
    const s = inReview(t.state);
    s.history.push(step(a, 'rejected', s.stages[s.stage_index], { reason: bodyOf(a).reason ?? null }));
    s.status = 'rejected';
    await save(a, String(t.obj.id), t.row.id, s);
    await notifyCreator(a, t.obj, 'Your submission was rejected.');
    await emitEvent(a.trx, tenantOf(a), 'object.rejected', { id: t.obj.id, object_type_id: t.type.id });
    return { body: { rejected: true, ...view(s) } };
  },
} satisfies Record<string, ActionHandler>;
