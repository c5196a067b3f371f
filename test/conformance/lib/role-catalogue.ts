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
import { writeAccessOf } from '../../../generator/ir/index.ts';

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
 * - reads per `access.read`: by the view code in the company, except that a permission on a global
 *   resource (not the tenant root) is held only by superusers (spec/README.md);
 * - writes per the operation's access (`access.create` / `access.delete` override `write`): superusers
 *   only, any signed-in user (`authenticated`), or the operation's code — held in the company selected
 *   by X-Company-ID, never on a global resource other than the tenant root (companies).
 */
export function expectation(r: ResourceNode, op: CrudOperation, role: RoleDefinition): Expectation {
  const verb = OPERATION_VERB[op];
  const code = r.permissions[verb];
  const byCode = (): Expectation =>
    holds(role, code) ? { allowed: true, why: `holds ${code}` } : { allowed: false, guard: 'permission', why: `lacks ${code}` };
  const sharedGlobal = r.scope === 'global' && !r.tenantRoot;
  const globalOnly: Expectation = { allowed: false, guard: 'permission', why: `${code} on a global resource: superusers only` };
  if (verb === 'view') {
    if (r.access.read !== 'permission') return { allowed: true, why: `read: ${r.access.read}` };
    return sharedGlobal ? globalOnly : byCode();
  }
  const write = writeAccessOf(r, verb);
  if (write === 'superuser') return { allowed: false, guard: 'superuser', why: 'superusers only' };
  if (write === 'authenticated') return { allowed: true, why: `${op}: any signed-in user` };
  return sharedGlobal ? globalOnly : byCode();
}
