/**
 * No one grants more than they hold. A member allowed to change memberships or roles could otherwise
 * promote themselves: set `is_owner` on their own membership, give themselves the admin role, or write
 * `"*"` into the permissions of a role they hold. So, within a company:
 * - ownership (making or unmaking an owner, and suspending, moving or deleting an owner's membership)
 *   is changed only by an active owner;
 * - a membership is given a role only by a caller whose permissions cover the role's;
 * - a role is created or changed (name, permissions) only to a set the caller's permissions cover — a
 *   role named owner or admin holds everything, so only a caller holding everything may write one.
 * Superusers are exempt. The check runs on every CRUD write of memberships and roles, generic or
 * handler, inside the write's transaction (the LOOP write hook, runtime/loop/index.ts): a refusal
 * rolls the write back, so nothing is half-written.
 */
import type { AuditEntry } from '../../crud/crud-deps.ts';
import { ApiError } from '../../http/api-error.ts';
import { T } from '../auth/loop-schema.ts';
import { covers, permissionSet } from './permissions.ts';

const MEMBERSHIPS = 'loop.core.memberships';
const ROLES = 'loop.core.roles';

type Changes = Readonly<Record<string, { from: unknown; to: unknown }>>;
type Row = Readonly<Record<string, unknown>>;

const OWNER_REQUIRED = 'owner_required';
const GRANT_EXCEEDS_OWN = 'grant_exceeds_own';

/** Refuses (403) a membership or role write that gives more than the caller holds. */
export async function guardGrants(e: AuditEntry): Promise<void> {
  if (e.resource !== MEMBERSHIPS && e.resource !== ROLES) return;
  const principal = e.ctx.principal;
  const tenant = e.ctx.tenant;
  if (!principal || principal.isSuperuser || !tenant) return;
  const changes = (e.changes ?? {}) as Changes;
  const record = (e.record ?? {}) as Row;
  if (e.resource === MEMBERSHIPS) {
    if (touchesOwnership(changes, record) && !(await callerIsOwner(e, changes, record))) {
      throw new ApiError(403, OWNER_REQUIRED, 'Only an owner of the company may grant, change or remove ownership.');
    }
    const role = changes.role?.to;
    if (e.action !== 'delete' && role !== undefined && role !== null) {
      const row = await e
        .trx(T.roles)
        .where({ id: Number(role), company_id: tenant.companyId })
        .first('name', 'permissions');
      // A role of another company is refused by the reference check before this runs.
      if (row && !covers(tenant.permissions, permissionSet({ name: row.name, permissions: row.permissions }, false))) {
        throw new ApiError(403, GRANT_EXCEEDS_OWN, 'You cannot give a role with permissions you do not hold yourself.');
      }
    }
    return;
  }
  if (e.action === 'delete' || !('name' in changes || 'permissions' in changes)) return;
  const wanted = permissionSet({ name: (record.name as string | null) ?? null, permissions: record.permissions }, false);
  if (!covers(tenant.permissions, wanted)) {
    throw new ApiError(403, GRANT_EXCEEDS_OWN, 'A role cannot grant permissions you do not hold yourself.');
  }
}

/** Ownership changes, or the membership written is (or was) an owner's and its holder or state changes. */
function touchesOwnership(changes: Changes, record: Row): boolean {
  const owner = changes.is_owner;
  if (owner && Boolean(owner.from) !== Boolean(owner.to)) return true;
  const wasOwner = owner ? Boolean(owner.from) : Boolean(record.is_owner);
  return wasOwner && ('status' in changes || 'user' in changes);
}

/**
 * Whether the caller was an active owner before this write. Another of their memberships cannot exist
 * (one membership per user and company), so when the row written is the caller's own, its state before
 * the write decides; otherwise their membership as it stands.
 */
async function callerIsOwner(e: AuditEntry, changes: Changes, record: Row): Promise<boolean> {
  const userId = Number(e.ctx.principal!.userId);
  if (!Number.isInteger(userId)) return false;
  const before = (field: string) => (field in changes ? changes[field]!.from : record[field]);
  if (Number(before('user')) === userId) return Boolean(before('is_owner')) && before('status') === 'active';
  const row = await e
    .trx(T.memberships)
    .where({ company_id: e.ctx.tenant!.companyId, user_id: userId, is_owner: true, status: 'active' })
    .whereNull('deleted_at')
    .first('id');
  return Boolean(row);
}
