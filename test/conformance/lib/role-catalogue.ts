/**
 * What each company role may do to each resource, derived from the catalogue alone — the IR's
 * `access` and `permissions` (spec/README.md, "Access") and the permission catalogue the generator
 * seeds (generated/<service>/seed.json) — never from the runtime under test.
 *
 * The four roles of a LOOP company:
 * - owner: the membership with `is_owner` (register makes it); owners hold every permission;
 * - admin: the `admin` role register provisions, holding `*` (runtime/loop/auth/company-provisioning.ts);
 * - member: a role holding every resource's view, add and change code, but no delete;
 * - viewer: a role holding every resource's view code only.
 * The catalogue seeds no member or viewer role (only a demo "Receptionist"), so the matrix makes them
 * from the seeded codes; member's missing delete tells a delete guard from a change guard.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CrudOperation, ResourceNode } from '../../../generator/ir/index.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type RoleName = (typeof ROLES)[number];

type Verb = keyof ResourceNode['permissions'];

/** The permission verb guarding each CRUD operation (spec/README.md, "Access"): restore undoes a delete, so it needs delete. */
export const OPERATION_VERB: Readonly<Record<CrudOperation, Verb>> = {
  list: 'view',
  retrieve: 'view',
  create: 'add',
  update: 'change',
  partial_update: 'change',
  delete: 'delete',
  restore: 'delete',
};

const CRUD_VERBS: readonly Verb[] = ['view', 'add', 'change', 'delete'];

export interface RoleDefinition {
  readonly name: RoleName;
  /** Codes stored on the role (`*` grants all); the owner has no role of its own. */
  readonly permissions: readonly string[];
  readonly isOwner: boolean;
}

/** Resource permission codes (`<module>.<resource>.view|add|change|delete`) of the service's seeded permission catalogue. */
export function seededCrudCodes(service: string): string[] {
  const seed = JSON.parse(readFileSync(join(ROOT, 'generated', service, 'seed.json'), 'utf8')) as {
    permissions?: { code: string; resource: string | null }[];
  };
  return (seed.permissions ?? []).filter((p) => p.resource !== null && CRUD_VERBS.some((v) => p.code.endsWith(`.${v}`))).map((p) => p.code);
}

export function roleDefinitions(codes: readonly string[]): Readonly<Record<RoleName, RoleDefinition>> {
  const withVerbs = (verbs: readonly Verb[]) => codes.filter((c) => verbs.some((v) => c.endsWith(`.${v}`)));
  return {
    viewer: { name: 'viewer', permissions: withVerbs(['view']), isOwner: false },
    member: { name: 'member', permissions: withVerbs(['view', 'add', 'change']), isOwner: false },
    admin: { name: 'admin', permissions: ['*'], isOwner: false },
    owner: { name: 'owner', permissions: [], isOwner: true },
  };
}

function holds(role: RoleDefinition, code: string): boolean {
  return role.isOwner || role.permissions.includes('*') || role.permissions.includes(code);
}

export type Expectation =
  | { readonly allowed: true; readonly why: string }
  /** `permission`: DRF's permission_denied; `superuser`: writes reserved to platform operators. */
  | { readonly allowed: false; readonly guard: 'permission' | 'superuser'; readonly why: string };

/**
 * What the catalogue says `role` gets for `op` on `r`:
 * - company/workspace resources: the operation's code, held by the role, unless access says otherwise;
 * - global resources: reads per `access.read` (a permission on a global resource is held only by
 *   superusers, spec/README.md), writes never (superusers only);
 * - the tenant root (companies): read by members, created by superusers, changed/deleted/restored
 *   with the change/delete code in the company selected by X-Company-ID.
 */
export function expectation(r: ResourceNode, op: CrudOperation, role: RoleDefinition): Expectation {
  const verb = OPERATION_VERB[op];
  const code = r.permissions[verb];
  const byCode = (): Expectation =>
    holds(role, code) ? { allowed: true, why: `holds ${code}` } : { allowed: false, guard: 'permission', why: `lacks ${code}` };
  const superuser: Expectation = { allowed: false, guard: 'superuser', why: 'superusers only' };
  const read = verb === 'view';
  if (r.tenantRoot) {
    if (op === 'create') return superuser;
    if (read) return r.access.read === 'permission' ? byCode() : { allowed: true, why: `read: ${r.access.read}` };
    return byCode();
  }
  if (r.scope === 'global') {
    if (read) {
      return r.access.read === 'permission'
        ? { allowed: false, guard: 'permission', why: `${code} on a global resource: superusers only` }
        : { allowed: true, why: `read: ${r.access.read}` };
    }
    return r.access.write === 'superuser' ? superuser : { allowed: false, guard: 'permission', why: `${code} on a global resource: superusers only` };
  }
  if (read && r.access.read !== 'permission') return { allowed: true, why: `read: ${r.access.read}` };
  if (!read && r.access.write === 'superuser') return superuser;
  return byCode();
}
