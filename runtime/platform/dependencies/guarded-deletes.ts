/**
 * Named CRUD handlers of catalogue resources: deletes guarded by DEPENDENCY_EXISTS, webhooks with a
 * signing secret shown once, short URLs keyed by slug, and the public form endpoints.
 */
import { randomBytes } from 'node:crypto';
import type { ActionContext, ActionHandler, HandlerRegistry } from '../../runtime-api.ts';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../ids.ts';
import { seal } from '../../secrets/seal.ts';
import { type Dependent, guardedDelete, rowsOf } from '../dependencies/confirm-delete.ts';
import { actorOf, bodyOf, iso, param, parseJson, tenantOf } from './context.ts';

/** DELETE of `table` row `:id`, refused with 409 while `dependents(a, id)` exist. */
function guardedDestroy(resource: string, table: string, dependents: (a: ActionContext, id: string, tenant: number) => Dependent[]): ActionHandler {
  return async (a) => {
    const tenant = tenantOf(a);
    const id = param(a, 'id');
    const refused = await guardedDelete(a, {
      resource,
      recordId: id,
      dependents: dependents(a, id, tenant),
      remove: async (trx) => {
        await trx(table).where({ company_id: tenant, id }).delete();
      },
    });
    return refused ?? { body: null };
  };
}

const records = (kind: string, label: string) => (_a: ActionContext, id: string, tenant: number) =>
  [rowsOf(T.records, 'parent_id', id, tenant, kind, label, (q) => q.where({ kind }))];

export const resourceHandlers: HandlerRegistry = {
  'webhooks.create': async (a) => {
    const b = bodyOf(a);
    if (typeof b.url !== 'string' || !URL.canParse(b.url)) throw validation({ url: ['must be an absolute URL'] });
    const id = newId('wh');
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    await a.trx(T.webhooks).insert({
      id, company_id: tenantOf(a), url: b.url, events: JSON.stringify(b.events ?? ['*']), object_types: JSON.stringify(b.object_types ?? []),
      status: JSON.stringify(b.status ?? 'active'), created_by: actorOf(a), created_at: a.trx.fn.now(), updated_at: a.trx.fn.now(),
    });
    await a.trx(T.records).insert({ id: newId('whs'), company_id: tenantOf(a), kind: 'webhook_secret', parent_id: id, data: JSON.stringify({ secret: seal(secret) }), created_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    const row = await a.trx(T.webhooks).where({ id }).first();
    return { status: 201, body: { id, url: row.url, events: parseJson(row.events), object_types: parseJson(row.object_types), status: parseJson(row.status), secret, created_at: iso(row.created_at) } };
  },
  'webhooks.delete': guardedDestroy('webhooks', T.webhooks, (_a, id, tenant) => [rowsOf('pf_webhook_deliveries', 'webhook_id', id, tenant, 'webhook_deliveries', 'Webhook deliveries')]),
  'automations.delete': guardedDestroy('automations', T.automations, records('automation_runs', 'Automation runs')),
  'dashboards.delete': guardedDestroy('dashboards', T.dashboards, records('widgets', 'Widgets')),
  'roles.delete': guardedDestroy('roles', T.roles, (_a, id, tenant) => [
    rowsOf(T.records, 'kind', 'user_roles', tenant, 'user_roles', 'Role assignments', (q) => q.whereRaw("data->>'role_id' = ?", [id])),
    rowsOf(T.records, 'parent_id', id, tenant, 'role_permissions', 'Permissions', (q) => q.where({ kind: 'role_permissions' })),
  ]),
  'accounting.deleteAccount': guardedDestroy('accounts', T.accounts, (_a, id, tenant) => [
    rowsOf(T.accounts, 'parent_id', id, tenant, 'accounts', 'Sub-accounts'),
    rowsOf('pf_bank_accounts', 'gl_account_id', id, tenant, 'bank_accounts', 'Bank accounts'),
  ]),
  /** The slug is the id (`/v1/short-urls/:slug`); a random one is chosen when none is given. */
  'short-urls.create': async (a) => {
    const b = bodyOf(a);
    const slug = typeof b.slug === 'string' && b.slug ? b.slug : randomBytes(5).toString('base64url');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(slug)) throw validation({ slug: ['use letters, digits, _ and - (max 64)'] });
    if (await a.trx('pf_short_urls').where({ id: slug }).first('id')) throw conflict('This slug is taken.', 'duplicate');
    const cols = Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.stringify(v) : v]));
    await a.trx('pf_short_urls').insert({ ...cols, id: slug, slug, company_id: tenantOf(a), created_by: actorOf(a), created_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    const row = await a.trx('pf_short_urls').where({ id: slug }).first();
    return { status: 201, body: { ...row, slug, company_id: undefined, tenant_id: tenantOf(a), created_at: iso(row.created_at), updated_at: iso(row.updated_at) } };
  },
  'roles.assignRoleToUser': async (a) => {
    const b = bodyOf(a);
    const tenant = tenantOf(a);
    if (!(await a.trx(T.users).where({ company_id: tenant, id: String(b.user_id ?? '') }).first('id'))) throw notFound('User not found.');
    if (!(await a.trx(T.roles).where({ company_id: tenant, id: String(b.role_id ?? '') }).first('id'))) throw notFound('Role not found.');
    const id = newId('ur');
    await a.trx(T.records).insert({ id, company_id: tenant, kind: 'user_roles', parent_id: b.user_id, data: JSON.stringify({ role_id: b.role_id }), created_by: actorOf(a), created_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    return { status: 201, body: { id, user_id: b.user_id, role_id: b.role_id } };
  },
  'roles.removeRoleFromUser': async (a) => {
    const n = await a.trx(T.records).where({ company_id: tenantOf(a), kind: 'user_roles', parent_id: param(a, 'user_id') }).whereRaw("data->>'role_id' = ?", [param(a, 'role_id')]).delete();
    if (!n) throw notFound('The user does not have this role.');
    return { body: { deleted: true } };
  },
  /** Public: the form's own tenant; inactive forms are not shown. */
  'forms.getPublicForm': async (a) => {
    const row = await a.trx(T.forms).where({ id: param(a, 'form_id') }).first();
    if (!row || (row.status ?? 'active') !== 'active') throw notFound('Form not found.');
    return { body: { id: row.id, name: row.name, fields: parseJson(row.fields) ?? [], settings: parseJson(row.settings) ?? {} } };
  },
  'forms.submitPublicForm': async (a) => {
    const form = await a.trx(T.forms).where({ id: param(a, 'form_id') }).first();
    if (!form || (form.status ?? 'active') !== 'active') throw notFound('Form not found.');
    const id = newId('sub');
    await a.trx(T.records).insert({ id, company_id: form.company_id, kind: 'form_submissions', parent_id: form.id, data: JSON.stringify({ data: bodyOf(a) }), created_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    return { status: 201, body: { submission_id: id } };
  },
};
