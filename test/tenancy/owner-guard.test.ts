/**
 * The tenancy write rules called the way the CRUD plumbing calls them (a transaction per request, the resource
 * descriptor on the action), on the real LOOP schema but without an HTTP server: a company keeps an active owner,
 * `is_active` is a superuser's switch, `POST /companies/` provisions the caller as owner, and writes to the
 * tenancy tables drop the resolver's cache once the transaction ends. test/loop-security/tenant-powers.test.ts
 * covers the same rules through the server; this file is quick enough for every mutant of `npm run mutate -- tenancy`.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { companyResource, membershipResource } from '../../generated/loop/server/core.ts';
import type { ResourceDescriptor } from '../../runtime/descriptor.ts';
import { provisionCompany } from '../../runtime/loop/auth/company-provisioning.ts';
import { invalidateOnWrite } from '../../runtime/loop/tenancy/cache-invalidation.ts';
import { createCompany, deleteMembership, updateCompany, updateMembership } from '../../runtime/loop/tenancy/company-writes.ts';
import { activeOwnerCount, assertOwnerRemains, lockCompany } from '../../runtime/loop/tenancy/owner-guard.ts';
import type { ActionContext, ActionResult, Principal } from '../../runtime/runtime-api.ts';
import { apiError, requestContext } from '../auth/helpers/action-context.ts';
import { closeTestDb, openTestDb } from '../auth/helpers/loop-test-db.ts';

let db: Knex;
let seq = 0;

async function user(name: string, extra: Record<string, unknown> = {}): Promise<number> {
  const [row] = await db('users')
    .insert({ email: `${name}-${++seq}@owner-guard.test`, username: `${name}-${seq}`, password_hash: null, is_active: true, ...extra })
    .returning('id');
  return Number(row.id);
}

async function company(ownerId: number) {
  return db.transaction((trx) => provisionCompany(trx, { name: `Company ${++seq}`, ownerId, now: new Date() }));
}

interface Call {
  readonly resource: ResourceDescriptor;
  readonly principal: { id: number; superuser?: boolean } | null;
  readonly companyId?: number;
  readonly id?: number;
  readonly body?: Record<string, unknown>;
}

/** Runs a CRUD handler in its own transaction, as the plumbing does (rolled back when it throws). */
function run(handler: (a: ActionContext<any>) => Promise<ActionResult>, c: Call): Promise<ActionResult & { body?: any }> {
  const principal: Principal | null = c.principal
    ? { userId: c.principal.id, email: 'x@owner-guard.test', isSuperuser: c.principal.superuser ?? false, via: 'jwt' }
    : null;
  const ctx = requestContext(db, {
    principal,
    tenant: c.companyId ? { companyId: c.companyId, companyCode: 'x', role: 'owner', permissions: new Set(['*']) } : null,
  });
  return db.transaction(async (trx) => {
    const args = {
      ctx,
      action: { id: `${c.resource.id}.op`, resource: c.resource } as unknown as ActionContext['action'],
      params: c.id === undefined ? {} : { id: String(c.id) },
      query: {},
      body: c.body ?? {},
      trx,
      audit: async () => undefined,
      baseUrl: 'http://loop.test',
    } as ActionContext<any>;
    return (await handler(args)) as ActionResult & { body?: any };
  });
}

const membershipOf = (companyId: number, userId: number) =>
  db('memberships').where({ company_id: companyId, user_id: userId }).first('id', 'is_owner', 'status', 'deleted_at');

beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => closeTestDb(db));

describe('a company keeps an active owner', () => {
  it('counts active owners only: active membership, active user, neither deleted', async () => {
    const a = await user('count-a');
    const { company: c } = await company(a);
    expect(await activeOwnerCount(db, c.id)).toBe(1);
    const b = await user('count-b');
    await db('memberships').insert({ company_id: c.id, user_id: b, status: 'active', is_owner: true });
    expect(await activeOwnerCount(db, c.id)).toBe(2);
    await db('users').where({ id: b }).update({ is_active: false });
    expect(await activeOwnerCount(db, c.id)).toBe(1);
    await db('users').where({ id: b }).update({ is_active: true, deleted_at: new Date() });
    expect(await activeOwnerCount(db, c.id)).toBe(1);
    const d = await user('count-d');
    await db('memberships').insert({ company_id: c.id, user_id: d, status: 'suspended', is_owner: true });
    await db('memberships').insert({ company_id: c.id, user_id: await user('count-e'), status: 'active', is_owner: false });
    await db('memberships').insert({
      company_id: c.id,
      user_id: await user('count-f'),
      status: 'active',
      is_owner: true,
      deleted_at: new Date(),
    });
    expect(await activeOwnerCount(db, c.id)).toBe(1);
    // Other companies' owners do not count.
    expect(await activeOwnerCount(db, c.id + 100_000)).toBe(0);
    await expect(assertOwnerRemains(db, c.id)).resolves.toBeUndefined();
    const e = await apiError(assertOwnerRemains(db, c.id + 100_000));
    expect(e).toMatchObject({ status: 409, code: 'last_owner' });
    expect((e as unknown as Error).message).toBe(
      'This change would leave the company without an active owner. Make another member an active owner first.',
    );
  });

  it('lockCompany holds the company row until the transaction ends', async () => {
    const { company: c } = await company(await user('lock'));
    await db.transaction(async (trx) => {
      await lockCompany(trx, c.id);
      const locks = await trx.raw(
        `select count(*)::int as n from pg_locks l join pg_class r on r.oid = l.relation
          where l.pid = pg_backend_pid() and r.relname = 'companies' and l.mode = 'RowShareLock'`,
      );
      expect(locks.rows[0].n).toBeGreaterThan(0);
    });
  });

  it('the sole owner cannot suspend, un-own or delete their membership; nothing is written', async () => {
    const a = await user('sole');
    const { company: c } = await company(a);
    const me = (await membershipOf(c.id, a))!;
    for (const body of [{ status: 'suspended' }, { is_owner: false }]) {
      const e = await apiError(
        run(updateMembership, { resource: membershipResource, principal: { id: a }, companyId: c.id, id: me.id, body }),
      );
      expect(e).toMatchObject({ status: 409, code: 'last_owner' });
    }
    const e = await apiError(run(deleteMembership, { resource: membershipResource, principal: { id: a }, companyId: c.id, id: me.id }));
    expect(e).toMatchObject({ status: 409, code: 'last_owner' });
    expect(await membershipOf(c.id, a)).toEqual({ ...me, status: 'active', is_owner: true, deleted_at: null });
    // A change that keeps the owner goes through and answers the row.
    const ok = await run(updateMembership, {
      resource: membershipResource,
      principal: { id: a },
      companyId: c.id,
      id: me.id,
      body: { title: 'Founder' },
    });
    expect(ok.body).toMatchObject({ id: me.id, title: 'Founder', is_owner: true, status: 'active' });
  });

  it('with a second owner the first may step down or leave; members who are not owners come and go freely', async () => {
    const a = await user('first');
    const b = await user('second');
    const { company: c } = await company(a);
    const [second] = await db('memberships').insert({ company_id: c.id, user_id: b, status: 'active', is_owner: true }).returning('id');
    const me = (await membershipOf(c.id, a))!;
    const down = await run(updateMembership, {
      resource: membershipResource,
      principal: { id: a },
      companyId: c.id,
      id: me.id,
      body: { is_owner: false },
    });
    expect(down.body).toMatchObject({ is_owner: false });
    // Now b is the last owner: b may not leave, but the former owner a may.
    const e = await apiError(run(deleteMembership, { resource: membershipResource, principal: { id: b }, companyId: c.id, id: second.id }));
    expect(e).toMatchObject({ status: 409, code: 'last_owner' });
    const gone = await run(deleteMembership, { resource: membershipResource, principal: { id: b }, companyId: c.id, id: me.id });
    expect(gone).toEqual({ body: null });
    expect((await membershipOf(c.id, a))!.deleted_at).not.toBeNull();
    // A suspended non-owner is not an active owner: changing it never asks for the owner check.
    const [idle] = await db('memberships')
      .insert({ company_id: c.id, user_id: await user('idle'), status: 'suspended', is_owner: false })
      .returning('id');
    await db('memberships').where({ id: second.id }).update({ status: 'suspended' }); // no owner left (set up directly)
    const touched = await run(updateMembership, {
      resource: membershipResource,
      principal: { id: b },
      companyId: c.id,
      id: idle.id,
      body: { title: 'Helper' },
    });
    expect(touched.body).toMatchObject({ title: 'Helper' });
    expect(await run(deleteMembership, { resource: membershipResource, principal: { id: b }, companyId: c.id, id: idle.id })).toEqual({
      body: null,
    });
  });

  it("another company's membership is not found through this company", async () => {
    const a = await user('here');
    const { company: here } = await company(a);
    const other = await user('there');
    const { company: there } = await company(other);
    const theirs = (await membershipOf(there.id, other))!;
    // Not this company's row: nothing is changed and the owner rule is not asked (there is no "before" row).
    await run(updateMembership, {
      resource: membershipResource,
      principal: { id: a },
      companyId: here.id,
      id: theirs.id,
      body: { status: 'suspended' },
    }).catch(() => undefined);
    expect((await membershipOf(there.id, other))!.status).toBe('active');
  });
});

describe('companies', () => {
  it('only a superuser switches is_active; sending the current value or other fields is a normal change', async () => {
    const a = await user('switch');
    const { company: c } = await company(a);
    for (const is_active of [false, 0, '']) {
      const e = await apiError(
        run(updateCompany, { resource: companyResource, principal: { id: a }, companyId: c.id, id: c.id, body: { is_active } }),
      );
      expect(e).toMatchObject({ status: 403, code: 'superuser_required' });
      expect((e as unknown as Error).message).toBe('Only superusers may activate or deactivate a company.');
    }
    const same = await run(updateCompany, {
      resource: companyResource,
      principal: { id: a },
      companyId: c.id,
      id: c.id,
      body: { is_active: true, name: 'Kept' },
    });
    expect(same.body).toMatchObject({ id: c.id, is_active: true, name: 'Kept' });
    const renamed = await run(updateCompany, {
      resource: companyResource,
      principal: { id: a },
      companyId: c.id,
      id: c.id,
      body: { name: 'Renamed' },
    });
    expect(renamed.body).toMatchObject({ name: 'Renamed', is_active: true });
    const root = await user('root', { is_superuser: true });
    const off = await run(updateCompany, {
      resource: companyResource,
      principal: { id: root, superuser: true },
      companyId: c.id,
      id: c.id,
      body: { is_active: false },
    });
    expect(off.body).toMatchObject({ is_active: false });
    // Switching back on is refused to the owner too, and allowed to the superuser.
    const e = await apiError(
      run(updateCompany, { resource: companyResource, principal: { id: a }, companyId: c.id, id: c.id, body: { is_active: true } }),
    );
    expect(e.code).toBe('superuser_required');
    expect((await db('companies').where({ id: c.id }).first('is_active')).is_active).toBe(false);
    // An unknown company: nothing to compare, the update touches no row.
    await run(updateCompany, { resource: companyResource, principal: { id: a }, id: 999_999, body: { is_active: false } }).catch(
      () => undefined,
    );
  });

  it('a signed-in user creates a company as its owner, with an admin role and the default plan', async () => {
    const a = await user('creator');
    const made = await run(createCompany, { resource: companyResource, principal: { id: a }, body: { name: 'Made Here' } });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'Made Here', is_active: true });
    expect(made.body.code).toMatch(/^\d{3,}$/);
    const m = await membershipOf(made.body.id, a);
    expect(m).toMatchObject({ is_owner: true, status: 'active' });
    expect(await db('company_subscriptions').where({ company_id: made.body.id }).count({ n: '*' }).first()).toMatchObject({ n: 1 });
  });

  it("a superuser's create makes the company alone, with the next code and the superuser as creator", async () => {
    const root = await user('maker', { is_superuser: true });
    const before = await db('companies')
      .max({ n: db.raw('code::int') })
      .first();
    const made = await run(createCompany, {
      resource: companyResource,
      principal: { id: root, superuser: true },
      body: { name: 'Alone', slug: `alone-${seq}` },
    });
    expect(made.status).toBe(201);
    expect(made.body.code).toBe(String(Number(before?.n ?? 0) + 1).padStart(3, '0'));
    expect(await db('memberships').where({ company_id: made.body.id }).count({ n: '*' }).first()).toMatchObject({ n: 0 });
    expect(await db('companies').where({ id: made.body.id }).first('created_by', 'name')).toEqual({ created_by: root, name: 'Alone' });
  });

  it('a create without a signed-in user is refused', async () => {
    const e = await apiError(run(createCompany, { resource: companyResource, principal: null, body: { name: 'Nobody' } }));
    expect(e).toMatchObject({ status: 403, code: 'permission_denied' });
  });
});

// Under the mutation profile the file's database is itself a transaction that ends only after the file, so the
// "outermost transaction" here would be that one; test/tenancy/tenancy-units.test.ts covers the same walk there.
describe.skipIf(process.env.LOOPGEN_TEST_DB === 'rollback')('cache invalidation on tenancy writes', () => {
  it('clears for tenancy resources now and again when the outermost transaction ends', async () => {
    let clears = 0;
    const cache = { clear: () => void clears++ };
    expect(invalidateOnWrite(cache, 'loop.booking.services', db)).toBe(false);
    expect(clears).toBe(0);
    let inner = 0;
    await db.transaction(async (outer) => {
      await outer.transaction(async (nested) => {
        expect(invalidateOnWrite(cache, 'loop.core.memberships', nested)).toBe(true);
        inner = clears;
      });
      await new Promise((r) => setImmediate(r));
      // The nested transaction has ended, but the outer one has not: only the immediate clear so far.
      expect(clears).toBe(inner);
    });
    await new Promise((r) => setImmediate(r));
    expect(inner).toBe(1);
    expect(clears).toBe(2);
  });

  it('a rolled-back transaction clears too', async () => {
    let clears = 0;
    const cache = { clear: () => void clears++ };
    await db
      .transaction(async (trx) => {
        invalidateOnWrite(cache, 'loop.core.roles', trx);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    expect(clears).toBe(2);
  });
});
