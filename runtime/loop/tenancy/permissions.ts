/**
 * Permission sets of a membership. Codes are `<module>.<resource>.view|add|change|delete` and one per
 * action (generated from the catalogue); roles list them in `roles.permissions`; `*` grants all.
 * Owners and admins hold everything. The LOOP role names live here and nowhere else in the wing.
 */

/** The role a company's owner has when the membership names no role. */
export const OWNER_ROLE = 'owner';

/** The role a new company's owner is given (runtime/loop/auth/company-provisioning.ts). */
export const ADMIN_ROLE = 'admin';

/** Membership roles that hold every permission (`*`). */
export const ALL_POWERFUL_ROLES: ReadonlySet<string> = new Set([OWNER_ROLE, ADMIN_ROLE]);

/** A membership's role name: its role's, else `owner` for the company's owner, else none. */
export function membershipRole(roleName: string | null | undefined, isOwner: boolean): string | null {
  return roleName ?? (isOwner ? OWNER_ROLE : null);
}

export const ALL_PERMISSIONS: ReadonlySet<string> = new Set(['*']);

export function permissionSet(role: { name: string | null; permissions: unknown } | null, isOwner: boolean): ReadonlySet<string> {
  if (isOwner || (role?.name && ALL_POWERFUL_ROLES.has(role.name.toLowerCase()))) return ALL_PERMISSIONS;
  const raw = typeof role?.permissions === 'string' ? JSON.parse(role.permissions) : role?.permissions;
  return new Set(Array.isArray(raw) ? raw.map(String) : []);
}

/**
 * True when the set grants the code: exact match, `*`, or a wildcard prefix such as `booking.*`
 * or `booking.appointments.*`.
 */
export function grants(perms: ReadonlySet<string>, code: string): boolean {
  if (perms.has('*') || perms.has(code)) return true;
  const parts = code.split('.');
  for (let i = parts.length - 1; i > 0; i--) {
    if (perms.has(parts.slice(0, i).join('.') + '.*')) return true;
  }
  return false;
}

/** True when `held` grants every code of `wanted` (a role to give, a role being written). */
export function covers(held: ReadonlySet<string>, wanted: ReadonlySet<string>): boolean {
  if (held.has('*')) return true;
  if (wanted.has('*')) return false;
  for (const code of wanted) if (!grants(held, code)) return false;
  return true;
}
