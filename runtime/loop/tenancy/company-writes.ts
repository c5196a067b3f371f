/**
 * The CRUD writes of LOOP's tenancy tables that carry a rule the generic CRUD cannot
 * (spec/loop/core.yaml `handlers:`):
 * - `POST /companies/`: any signed-in user creates a company and becomes its owner, as register does
 *   (runtime/loop/auth/company-provisioning.ts), in the request's one transaction; a superuser's
 *   create makes the company alone. The code is always the next free one.
 * - `PUT/PATCH /companies/{id}/`: `is_active` is the platform's switch — only superusers change it.
 * - `PUT/PATCH/DELETE /memberships/{id}/`: never leave the company without an active owner.
 */
import { ApiError } from '../../http/api-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import { nextCompanyCode, provisionCompany } from '../auth/company-provisioning.ts';
import { columnsOf, deleteRecord, resourceOf, updateRecord } from '../handler-kit/record-writes.ts';
import { toWire, wireColumns } from '../handler-kit/rows.ts';
import { companyId, userId } from '../handler-kit/tenant.ts';
import { assertOwnerRemains, isActiveOwner, lockCompany } from './owner-guard.ts';

type Body = Readonly<Record<string, unknown>>;

export async function createCompany(a: ActionContext<Body>): Promise<ActionResult> {
  const d = resourceOf(a);
  // Stryker disable next-line BooleanLiteral: the generated migration gives each column the catalogue's default, so the database would fill the same values.
  const columns = columnsOf(d, a.body, true);
  const now = new Date();
  let id: number;
  if (a.ctx.principal?.isSuperuser) {
    const code = await nextCompanyCode(a.trx);
    const [row] = await a
      .trx(d.table)
      .insert({ ...columns, code, created_at: now, updated_at: now, created_by: userId(a) })
      .returning('id');
    id = Number(row.id);
  } else {
    const owner = userId(a);
    if (owner === null) throw new ApiError(403, 'permission_denied', 'You do not have permission to perform this action.');
    const made = await provisionCompany(a.trx, { name: String(columns.name), ownerId: owner, now, columns });
    id = made.company.id;
  }
  // Read by id: the caller's list of reachable companies was taken before this one existed.
  const row = await a.trx(d.table).where(`${d.table}.id`, id).first(wireColumns(a.trx, d));
  return { status: 201, body: toWire(d, row as Record<string, unknown>) };
}

export async function updateCompany(a: ActionContext<Body>): Promise<ActionResult> {
  const d = resourceOf(a);
  const id = Number(a.params.id);
  if ('is_active' in a.body && !a.ctx.principal?.isSuperuser) {
    const current = await a.trx(d.table).where({ id }).first('is_active');
    if (current && Boolean(current.is_active) !== Boolean(a.body.is_active)) {
      throw new ApiError(403, 'superuser_required', 'Only superusers may activate or deactivate a company.');
    }
  }
  return { body: await updateRecord(a, d, id, a.body) };
}

async function membershipBefore(a: ActionContext<unknown>, company: number) {
  const d = resourceOf(a);
  await lockCompany(a.trx, company);
  return a
    .trx(d.table)
    .where({ id: Number(a.params.id), company_id: company })
    .first('id', 'is_owner', 'status', 'deleted_at');
}

export async function updateMembership(a: ActionContext<Body>): Promise<ActionResult> {
  const d = resourceOf(a);
  const company = companyId(a);
  const before = await membershipBefore(a, company);
  const row = await updateRecord(a, d, Number(a.params.id), a.body);
  if (isActiveOwner(before)) await assertOwnerRemains(a.trx, company);
  return { body: row };
}

export async function deleteMembership(a: ActionContext<unknown>): Promise<ActionResult> {
  const d = resourceOf(a);
  const company = companyId(a);
  const before = await membershipBefore(a, company);
  await deleteRecord(a, d, Number(a.params.id));
  if (isActiveOwner(before)) await assertOwnerRemains(a.trx, company);
  return { body: null };
}
