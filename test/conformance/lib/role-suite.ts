/**
 * The role matrix: every routed resource of a slice of the service's modules × every company role
 * (lib/role-catalogue.ts) × every declared CRUD operation, through the generated server. A permitted
 * operation answers its success status; a refused one 403 with DRF's error body, before any record is
 * touched. One server and one tenant per file; resources run side by side, each one's cases in order
 * (a role's own record is created, changed, deleted and restored in turn).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrudOperation, ModuleNode, ResourceNode, ServiceNode } from '../../../generator/ir/index.ts';
import { CRUD_OPERATIONS } from '../../../generator/ir/index.ts';
import { inputFields } from '../../helpers/payloads.ts';
import { startTestService } from '../../helpers/test-service.ts';
import { type Actor, describeReply, type Reply } from './client.ts';
import { expectPage, expectStatus } from './checks.ts';
import type { Made } from './records.ts';
import {
  type Expectation,
  expectation,
  type RoleDefinition,
  type RoleName,
  roleDefinitions,
  ROLES,
  seededCrudCodes,
} from './role-catalogue.ts';
import { ROLE_KNOWN_ISSUES } from './role-known-issues.ts';
import { makeRoleTenant, type RoleTenant } from './role-tenant.ts';
import { serialised } from './suite.ts';

/** The body Django REST framework sends for PermissionDenied, with its default message. */
const DRF_DENIED = { detail: 'You do not have permission to perform this action.', code: 'permission_denied' };

const SUCCESS: Readonly<Record<CrudOperation, number>> = {
  list: 200,
  retrieve: 200,
  create: 201,
  update: 200,
  partial_update: 200,
  delete: 204,
  restore: 200,
};

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

export function roleMatrixSuite(service: ServiceNode, modules: readonly ModuleNode[]): void {
  const codes = seededCrudCodes(service.name);
  const roles = roleDefinitions(codes);
  let tenant: RoleTenant | undefined;
  const t = (): RoleTenant => {
    if (!tenant) throw new Error('the role-matrix server did not start (see beforeAll)');
    return tenant;
  };

  beforeAll(async () => {
    const svc = await serialised(() => startTestService(service.name));
    try {
      tenant = await makeRoleTenant(svc, service, roles);
    } catch (e) {
      await svc.close();
      throw e;
    }
  }, 240_000);
  afterAll(async () => {
    await tenant?.svc.close();
  });

  const resources = modules.flatMap((m) => m.resources).filter((r) => r.operations.length > 0);
  it("every routed resource's permission codes are in the seeded permission catalogue", () => {
    const seeded = new Set(codes);
    const missing = resources
      .filter((r) => r.scope !== 'global' || r.tenantRoot)
      .flatMap((r) => Object.values(r.permissions).filter((c) => !seeded.has(c)));
    expect(missing).toEqual([]);
  });
  // Resources side by side, each one's cases in order (it.sequential inside a concurrent describe).
  describe('resources', { concurrent: true }, () => {
    for (const r of resources) if (!r.tenantRoot) describe(r.id, () => resourceMatrix(r, roles, t));
  });
  // The tenant root last: a permitted delete there takes away the company every other case runs in.
  for (const r of resources) if (r.tenantRoot) describe(r.id, () => resourceMatrix(r, roles, t));
}

function resourceMatrix(r: ResourceNode, roles: Readonly<Record<RoleName, RoleDefinition>>, t: () => RoleTenant): void {
  const has = (op: CrudOperation) => r.operations.includes(op);
  const item = (id: unknown) => `${r.path}/${String(id)}/`;
  const owner = () => t().actors.owner;

  /** The record refused writes aim at: the owner's (a global one the superuser's), the company itself, or a listed row. */
  const main = once<Made>(async () => {
    if (r.tenantRoot) {
      const reply = await owner().get(item(owner().companyId));
      expectStatus(reply, 200);
      const sent = Object.fromEntries(
        inputFields(r)
          .filter((f) => f.name in reply.body)
          .map((f) => [f.name, reply.body[f.name]]),
      );
      return { id: reply.body.id, sent, reply };
    }
    if (has('create')) return t().records.create(r, owner());
    const reply = await owner().get(`${r.path}/`, { page_size: 1 });
    expectPage(reply);
    expect(reply.body.results.length, `a row to aim at: ${describeReply(reply)}`).toBeGreaterThan(0);
    return { id: reply.body.results[0].id, sent: {}, reply };
  });
  /** Records each role created (when permitted): the ones it then changes, deletes and restores. */
  const own: Partial<Record<RoleName, Made>> = {};
  const fresh = Object.fromEntries(ROLES.map((role) => [role, once(() => t().records.create(r, owner()))])) as Record<
    RoleName,
    () => Promise<Made>
  >;
  /** A permitted delete removes a record of the role's own (never `main`, which later roles still need). */
  const deletable = async (role: RoleName) => own[role] ?? (r.tenantRoot ? main() : fresh[role]());

  const send = (actor: Actor, body: Record<string, unknown>): Promise<Reply> => {
    if (!r.multipart.includes('create')) return actor.post(`${r.path}/`, body);
    return actor.postMultipart(
      `${r.path}/`,
      body,
      r.fields.filter((f) => f.type === 'file').map((f) => f.name),
    );
  };

  async function run(role: RoleName, op: CrudOperation, e: Expectation): Promise<Reply> {
    const actor = t().actors[role];
    switch (op) {
      case 'list':
        return actor.get(`${r.path}/`, { page_size: 1 });
      case 'retrieve':
        return actor.get(item((await main()).id));
      case 'create': {
        // A valid body (parents made by the owner): a guard that lets it through leaves a real record.
        const body = await t().records.payload(r, owner());
        const reply = await send(actor, body);
        // A company a role creates is a tenant of its own, outside the company the matrix runs in.
        if (e.allowed && reply.status === 201 && !r.tenantRoot) own[role] = { id: reply.body.id, sent: body, reply };
        return reply;
      }
      case 'update': {
        const target = e.allowed ? (own[role] ?? (await main())) : await main();
        return actor.put(item(target.id), target.sent);
      }
      case 'partial_update': {
        const target = e.allowed ? (own[role] ?? (await main())) : await main();
        return actor.patch(item(target.id), {});
      }
      case 'delete':
        return actor.delete(item((e.allowed ? await deletable(role) : await main()).id));
      case 'restore':
        return actor.post(`${item((e.allowed ? await deletable(role) : await main()).id)}restore/`);
    }
  }

  for (const role of ROLES) {
    for (const op of CRUD_OPERATIONS) {
      if (!has(op)) continue;
      const e = expectation(r, op, roles[role]);
      const title = `${role} ${op} → ${e.allowed ? SUCCESS[op] : 403} (${e.why})`;
      const fn = async () => {
        const reply = await run(role, op, e);
        try {
          if (e.allowed) {
            if (op === 'list') expectPage(reply);
            else expectStatus(reply, SUCCESS[op]);
            return;
          }
          expectStatus(reply, 403);
          if (e.guard === 'permission') expect(reply.body, describeReply(reply)).toEqual(DRF_DENIED);
          else expect(reply.body, describeReply(reply)).toEqual({ detail: expect.any(String), code: expect.any(String) });
        } finally {
          // A company its own users could not restore is brought back by the superuser, so the next role's cases still run.
          if (r.tenantRoot && op === 'restore' && reply.status !== 200) await t().root.post(`${item((await main()).id)}restore/`);
        }
      };
      const reason = ROLE_KNOWN_ISSUES[`${r.id} > ${role} ${op}`];
      if (reason) it.sequential.fails(`${title} — known issue: ${reason}`, fn);
      else it.sequential(title, fn);
    }
  }
}
