/**
 * A company always keeps an active owner: a membership with `is_owner`, status `active`, not deleted,
 * of an active user. Without one nobody could undo the change that removed the last (suspending,
 * deleting or demoting one's own membership would lock the company out for good), so such a change is
 * refused with 409 `last_owner` (spec/loop/core.yaml, memberships).
 *
 * The company row is locked first, so two owners demoting each other at the same moment are served
 * one after the other and the second sees the first's change.
 */
import type { Knex } from 'knex';
import { ApiError } from '../../http/api-error.ts';
import { T } from '../auth/loop-schema.ts';

export const LAST_OWNER = 'last_owner';

/** Serialises owner changes of one company until the transaction ends. */
export async function lockCompany(trx: Knex, companyId: number): Promise<void> {
  await trx(T.companies).where({ id: companyId }).forUpdate().first('id');
}

interface MembershipState {
  readonly is_owner: boolean | null;
  readonly status: string | null;
  readonly deleted_at?: unknown;
}

export function isActiveOwner(m: MembershipState | undefined): boolean {
  return Boolean(m && m.is_owner && m.status === 'active' && !m.deleted_at);
}

export async function activeOwnerCount(trx: Knex, companyId: number): Promise<number> {
  const row = await trx(`${T.memberships} as m`)
    .join(`${T.users} as u`, 'u.id', 'm.user_id')
    .where({ 'm.company_id': companyId, 'm.is_owner': true, 'm.status': 'active', 'u.is_active': true })
    .whereNull('m.deleted_at')
    .whereNull('u.deleted_at')
    .count({ n: '*' })
    .first();
  // Stryker disable next-line OptionalChaining: count() without GROUP BY always returns one row.
  return Number(row?.n ?? 0);
}

/** 409 `last_owner` when the company (locked by `lockCompany`) has no active owner left. */
export async function assertOwnerRemains(trx: Knex, companyId: number): Promise<void> {
  if ((await activeOwnerCount(trx, companyId)) > 0) return;
  throw new ApiError(
    409,
    LAST_OWNER,
    'This change would leave the company without an active owner. Make another member an active owner first.',
  );
}
