/**
 * Which domain event each platform write appends: one write observer (CrudDeps.events, handed to the
 * runtime by the platform wiring) sees every CRUD write and every completed write action inside the
 * request's transaction and appends the matching event there (event-log.ts), so nothing is emitted for
 * a write that rolls back. CRUD resources follow `<model>.<created|updated|deleted|restored>` with the
 * record as the API answered it; actions are listed in ACTION_EVENTS with what their event carries.
 * Actions that append their own events (objects, files, approvals, form submit, automations) are not
 * listed, so no write appends two.
 */
import type { AuditEntry, WriteObserver } from '../../crud/crud-deps.ts';
import { mountRoutes, resources } from '../../../generated/platform/server/index.ts';
import type { Runtime } from '../../runtime-api.ts';
import { appendEvent } from './event-log.ts';

type Rec = Record<string, unknown>;
/** What an action's event is made of: the answered body, the path parameters, the request context. */
interface Done {
  readonly body: unknown;
  readonly params: Rec;
}
type Emit = { readonly type: string; readonly data: unknown };
type ActionEvent = (d: Done) => Emit[];

const CRUD_VERBS: Record<string, string> = { create: 'created', update: 'updated', delete: 'deleted', restore: 'restored' };

/** `ObjectType` → `object_type`. */
const snake = (model: string) => model.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** Resource id → event noun (users → `user`, object-types → `object_type`, accounting invoices → `invoice`). */
const NOUNS = new Map<string, string>(resources.map((r) => [r.id, snake(r.model)]));

const obj = (v: unknown): Rec | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** The body itself: an action's answered record. */
const one =
  (type: string): ActionEvent =>
  (d) => [{ type, data: d.body ?? d.params }];
/** A record named by the path only (deletes answering `{deleted: true}`). */
const named =
  (type: string, param: string): ActionEvent =>
  (d) => [{ type, data: { id: d.params[param] ?? obj(d.body)?.id ?? null, ...obj(d.body) } }];
/** Sign-up and sign-in answer tokens beside the user: the event carries the user only. */
const userOf =
  (type: string): ActionEvent =>
  (d) => {
    const user = obj(obj(d.body)?.user);
    return user ? [{ type, data: user }] : [];
  };

/** Write actions that append an event here (action id → events); ids from generated/platform/server. */
export const ACTION_EVENTS: Readonly<Record<string, ActionEvent>> = {
  'platform.auth.sign-up': userOf('user.created'),
  'platform.auth.log-in': userOf('user.signed_in'),
  'platform.auth.verify-magic-link': userOf('user.signed_in'),
  'platform.auth.verify-otp': userOf('user.signed_in'),
  'platform.auth.update-current-user': one('user.updated'),
  'platform.comments.create-comment': one('comment.created'),
  'platform.comments.update-comment': one('comment.updated'),
  'platform.comments.delete-comment': named('comment.deleted', 'comment_id'),
  'platform.object-types.create-property': (d) => [
    { type: 'object_type.updated', data: { id: d.params.object_type_id ?? null, property: d.body } },
  ],
  'platform.object-types.update-property': (d) => [
    { type: 'object_type.updated', data: { id: d.params.object_type_id ?? null, property: d.body } },
  ],
  'platform.object-types.delete-property': (d) => [
    { type: 'object_type.updated', data: { id: d.params.object_type_id ?? null, property_deleted: d.params.property_id ?? null } },
  ],
  'platform.objects.batch-create-objects': (d) =>
    list(obj(d.body)?.ids).map((id) => ({ type: 'object.created', data: { id, object_type_id: d.params.object_type_id ?? null } })),
  'platform.objects.batch-update-objects': (d) =>
    list(d.body).map((u) => ({
      type: 'object.updated',
      data: { id: obj(u)?.object_id ?? null, object_type_id: d.params.object_type_id ?? null, version: obj(u)?.version ?? null },
    })),
  'platform.objects.restore-deleted-object': one('object.restored'),
  'platform.files.restore-deleted-file': one('file.restored'),
  'platform.files.batch-delete-files': (d) => list(obj(d.body)?.deleted).map((id) => ({ type: 'file.deleted', data: { id } })),
  'platform.forms.duplicate-form': one('form.created'),
  'platform.views.create-saved-view': one('view.created'),
  'platform.views.update-saved-view': one('view.updated'),
  'platform.views.delete-saved-view': named('view.deleted', 'view_id'),
  'platform.policies.create-access-policy': one('policy.created'),
  'platform.policies.update-access-policy': one('policy.updated'),
  'platform.policies.delete-access-policy': named('policy.deleted', 'policy_id'),
  'platform.workflows.create-workflow': one('workflow.created'),
  'platform.workflows.update-workflow': one('workflow.updated'),
  'platform.workflows.delete-workflow': named('workflow.deleted', 'workflow_id'),
  'platform.dashboards.add-widget-to-dashboard': one('dashboard.updated'),
  'platform.dashboards.update-widget': one('dashboard.updated'),
  'platform.dashboards.delete-widget': one('dashboard.updated'),
  'platform.associations.create-or-update-association': one('association.created'),
  'platform.associations.delete-association': one('association.deleted'),
  'platform.roles.assign-role-to-user': one('user.updated'),
  'platform.roles.remove-role-from-user': one('user.updated'),
  'platform.roles.assign-permissions-to-role': one('role.updated'),
  'platform.accounting.approve-invoice': one('invoice.approved'),
  'platform.accounting.void-invoice': one('invoice.voided'),
  'platform.accounting.void-payment': one('payment.voided'),
  'platform.accounting.post-journal-entry': one('journal_entry.posted'),
  'platform.accounting.reverse-journal-entry': one('journal_entry.reversed'),
  'platform.accounting.execute-recurring-entry-now': one('journal_entry.created'),
  'platform.accounting.close-period': one('accounting_period.closed'),
  'platform.accounting.reopen-period': one('accounting_period.reopened'),
  'platform.accounting.import-bank-transactions': one('bank_transaction.imported'),
  'platform.accounting.match-bank-transaction': one('bank_transaction.matched'),
  'platform.accounting.reconcile-bank-account': one('bank_account.reconciled'),
  'platform.events.track-custom-event': (d) => [{ type: 'custom', data: d.body }],
};

/** Resources whose writes are not domain events (internal bookkeeping). */
const SILENT = new Set(['platform.auth-sessions.sessions']);

/** Generated route operation → the audited CRUD action it runs. */
const ROUTE_OPS: Record<string, string> = {
  create: 'create',
  update: 'update',
  partialUpdate: 'update',
  partial_update: 'update',
  destroy: 'delete',
  delete: 'delete',
  restore: 'restore',
};

/**
 * The CRUD writes the generated platform routes serve (resource id → audited actions), read by mounting
 * the generated routes on a recording stand-in for the Runtime: the truth of what can be written,
 * without a second list to keep in step with the catalogue.
 */
function crudWrites(): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const pass = () => (_req: unknown, _res: unknown, next: () => void) => next();
  const record = (d: { id: string }, op: string) => {
    const action = ROUTE_OPS[op];
    if (action) out.set(d.id, (out.get(d.id) ?? new Set<string>()).add(action));
    return pass();
  };
  const crud = new Proxy(
    {},
    { get: (_t, op: string) => (d: { id: string }, sub?: string) => record(d, op === 'handler' ? String(sub) : op) },
  );
  mountRoutes(new Proxy({}, { get: (_t, k: string) => (k === 'crud' ? crud : pass) }) as unknown as Runtime);
  return out;
}

/** Every event type the observer can append (for GET /events/types). */
export function writeEventTypes(): string[] {
  const out = new Set<string>();
  for (const [id, actions] of crudWrites()) {
    const noun = NOUNS.get(id);
    if (noun && !SILENT.has(id)) for (const a of actions) out.add(`${noun}.${CRUD_VERBS[a]}`);
  }
  const probe: Done = { body: { user: {}, ids: ['x'], deleted: ['x'] }, params: {} };
  const rows: Done = { body: [{}], params: {} };
  for (const f of Object.values(ACTION_EVENTS)) for (const e of [...f(probe), ...f(rows)]) out.add(e.type);
  return [...out].sort();
}

function eventsOf(e: AuditEntry): Emit[] {
  if (e.action === 'action') {
    const f = ACTION_EVENTS[e.resource];
    return f ? f({ body: e.record ?? null, params: obj(e.changes) ?? {} }) : [];
  }
  const verb = CRUD_VERBS[e.action];
  const noun = NOUNS.get(e.resource);
  if (!verb || !noun || SILENT.has(e.resource)) return [];
  return [{ type: `${noun}.${verb}`, data: e.record ?? { id: e.recordId ?? null } }];
}

/** The platform's write observer: appends the write's events in its transaction (tenant writes only). */
export const appendWriteEvents: WriteObserver = async (e) => {
  const tenant = e.ctx.tenant?.companyId;
  if (tenant === undefined || tenant === null) return;
  for (const ev of eventsOf(e)) await appendEvent(e.trx, tenant, ev.type, ev.data);
};
