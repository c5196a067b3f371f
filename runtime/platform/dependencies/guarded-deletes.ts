/**
 * Deletes of catalogue resources that other rows depend on: refused with 409 DEPENDENCY_EXISTS
 * (and a single-use confirm token, runtime/platform/dependencies/confirm-delete.ts) while they exist.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { T } from '../tables.ts';
import { type Dependent, guardedDelete, rowsOf } from './confirm-delete.ts';
import { param, tenantOf } from '../http/action-context.ts';

/** DELETE of `table` row `:id`, refused with 409 while `dependents(a, id)` exist. */
function guardedDestroy(
  resource: string,
  table: string,
  dependents: (a: ActionContext, id: string, tenant: number) => Dependent[],
): ActionHandler {
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
    // The platform API document answers a delete with what was deleted: `{ id, deleted: true }`.
    return refused ?? { body: { id, deleted: true } };
  };
}

/** A dependent a confirm token cannot cascade. */
const permanent = ({ type, label, count }: Dependent): Dependent => ({ type, label, count });

const records = (kind: string, label: string) => (_a: ActionContext, id: string, tenant: number) => [
  rowsOf(T.records, 'parent_id', id, tenant, kind, label, (q) => q.where({ kind })),
];

export const guardedDeletes = {
  webhooks: guardedDestroy('webhooks', T.webhooks, (_a, id, tenant) => [
    rowsOf(T.webhookDeliveries, 'webhook_id', id, tenant, 'webhook_deliveries', 'Webhook deliveries'),
  ]),
  automations: guardedDestroy('automations', T.automations, records('automation_runs', 'Automation runs')),
  dashboards: guardedDestroy('dashboards', T.dashboards, records('widgets', 'Widgets')),
  roles: guardedDestroy('roles', T.roles, (_a, id, tenant) => [
    rowsOf(T.records, 'kind', 'user_roles', tenant, 'user_roles', 'Role assignments', (q) => q.whereRaw("data->>'role_id' = ?", [id])),
    rowsOf(T.records, 'parent_id', id, tenant, 'role_permissions', 'Permissions', (q) => q.where({ kind: 'role_permissions' })),
  ]),
  // Ledger rows stay in the books: journal lines and payments are never cascaded (deactivate the
  // account instead); the database refuses the delete too (ON DELETE RESTRICT, spec/platform/accounting.yaml).
  accounts: guardedDestroy('accounts', T.accounts, (_a, id, tenant) => [
    rowsOf(T.accounts, 'parent_id', id, tenant, 'accounts', 'Sub-accounts'),
    rowsOf(T.bankAccounts, 'gl_account_id', id, tenant, 'bank_accounts', 'Bank accounts'),
    permanent(rowsOf(T.journalLines, 'account_id', id, tenant, 'journal_lines', 'Journal lines')),
  ]),
  bankAccounts: guardedDestroy('bank_accounts', T.bankAccounts, (_a, id, tenant) => [
    rowsOf(T.bankTransactions, 'bank_account_id', id, tenant, 'bank_transactions', 'Bank transactions', (q) =>
      q.where({ status: 'unmatched' }),
    ),
    permanent(
      rowsOf(
        T.bankTransactions,
        'bank_account_id',
        id,
        tenant,
        'matched_bank_transactions',
        'Matched or reconciled bank transactions',
        (q) => q.whereNot({ status: 'unmatched' }),
      ),
    ),
    permanent(rowsOf(T.payments, 'bank_account_id', id, tenant, 'payments', 'Payments')),
  ]),
} satisfies Record<string, ActionHandler>;
