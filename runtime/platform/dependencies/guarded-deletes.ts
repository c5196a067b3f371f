/**
 * Deletes of catalogue resources that other rows depend on: refused with 409 DEPENDENCY_EXISTS
 * (and a single-use confirm token, runtime/platform/dependencies/confirm-delete.ts) while they exist.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { T } from '../tables.ts';
import { type Dependent, guardedDelete, rowsOf } from './confirm-delete.ts';
import { param, tenantOf } from '../http/action-context.ts';

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

export const guardedDeletes = {
  webhooks: guardedDestroy('webhooks', T.webhooks, (_a, id, tenant) => [rowsOf(T.webhookDeliveries, 'webhook_id', id, tenant, 'webhook_deliveries', 'Webhook deliveries')]),
  automations: guardedDestroy('automations', T.automations, records('automation_runs', 'Automation runs')),
  dashboards: guardedDestroy('dashboards', T.dashboards, records('widgets', 'Widgets')),
  roles: guardedDestroy('roles', T.roles, (_a, id, tenant) => [
    rowsOf(T.records, 'kind', 'user_roles', tenant, 'user_roles', 'Role assignments', (q) => q.whereRaw("data->>'role_id' = ?", [id])),
    rowsOf(T.records, 'parent_id', id, tenant, 'role_permissions', 'Permissions', (q) => q.where({ kind: 'role_permissions' })),
  ]),
  accounts: guardedDestroy('accounts', T.accounts, (_a, id, tenant) => [
    rowsOf(T.accounts, 'parent_id', id, tenant, 'accounts', 'Sub-accounts'),
    rowsOf(T.bankAccounts, 'gl_account_id', id, tenant, 'bank_accounts', 'Bank accounts'),
  ]),
} satisfies Record<string, ActionHandler>;
