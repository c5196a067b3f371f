/**
 * Public tenant ids (`tn_…`, as the platform API document shows `"tenant_id":"tn_xyz789"`). The
 * database keeps the integer `pf_tenants.id` the shared CRUD runtime filters by; answers name the
 * tenant by this prefixed form, and inputs that name a tenant accept it beside the slug.
 */
const PREFIX = 'tn_';

/** `7` → `tn_000007` (base 36, at least six characters). */
export function tenantPublicId(id: unknown): string {
  return `${PREFIX}${Number(id).toString(36).padStart(6, '0')}`;
}

/** The integer id a `tn_…` string names, or null when it is not one. */
export function tenantIdFromPublic(s: string): number | null {
  if (!s.startsWith(PREFIX)) return null;
  const rest = s.slice(PREFIX.length);
  if (!/^[0-9a-z]{1,12}$/.test(rest)) return null;
  const n = parseInt(rest, 36);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}
