/**
 * Permission sets of a membership. Codes are `<module>.<resource>.view|add|change|delete` and one per
 * action (generated from the catalogue); roles list them in `roles.permissions`; `*` grants all.
 * Owners and admins hold everything (issue 3: "owners and admins have all").
 */
import { ALL_POWERFUL_ROLES } from '../auth/loop-schema.ts';

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
