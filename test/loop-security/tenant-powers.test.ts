/**
 * What a LOOP company's own people may not do to it, through the generated server (spec/loop/core.yaml):
 * billing state is the platform's (company-subscriptions, plans and products are written by superusers
 * or the billing system's superuser key; tenants read them); a company never loses its last active owner
 * (409 last_owner); deactivating, deleting and restoring a company are superuser acts, and listing
 * deleted companies too, with a message that says so; and any signed-in user may create a company of
 * their own, as register does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSuperuser } from '../../runtime/loop/auth/create-superuser.ts';
import { request, signUp, type LoopClient } from '../actions/loop-client.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let svc: TestService;
let owner: LoopClient;
let root: (method: string, path: string, body?: unknown, company?: string) => ReturnType<typeof request>;
let rootId: number;

beforeAll(async () => {
  svc = await startTestService('loop');
  owner = await signUp(svc, 'secowner');
  await createSuperuser(svc.db, { email: 'root@loop-security.test', password: 'Sup3r-user-passw0rd!' });
  const login = await request(`${svc.api}auth/login/`, 'POST', { email: 'root@loop-security.test', password: 'Sup3r-user-passw0rd!' });
  expect(login.status).toBe(200);
  rootId = Number(login.body.user.id);
  root = (method, path, body, company) =>
    request(`${svc.api}${path}`, method, body, {
      Authorization: `Bearer ${login.body.access}`,
      ...(company ? { 'X-Company-ID': company } : {}),
    });
}, 120_000);
afterAll(async () => svc?.close());

const ownMembership = async (c: LoopClient) => {
  const list = await c.get('memberships/?is_owner=true');
  expect(list.status).toBe(200);
  return list.body.results[0] as { id: number; user: number; role: number | null };
};

describe('billing state is written by the platform, read by the tenant', () => {
  it('an owner cannot turn an expired trial into an active subscription (403, row unchanged)', async () => {
    const sub = await svc.db('company_subscriptions').where({ company_id: owner.companyId }).first('id');
    await svc
      .db('company_subscriptions')
      .where({ id: sub.id })
      .update({ status: 'expired', ends_at: new Date(Date.now() - 86_400_000) });
    expect((await owner.get('booking/services/')).body.code).toBe('subscription_required');

    const paid = { status: 'active', ends_at: '2099-01-01T00:00:00Z', trial_ends_at: null };
    const patch = await owner.call('PATCH', `company-subscriptions/${sub.id}/`, paid);
    expect(patch.status).toBe(403);
    expect(patch.body.code).toBe('superuser_required');
    const plan = await svc.db('subscription_plans').where({ code: 'trial' }).first('id');
    const writes = [
      owner.call('PUT', `company-subscriptions/${sub.id}/`, { plan: plan.id, starts_at: '2020-01-01T00:00:00Z', ...paid }),
      owner.post('company-subscriptions/', { plan: plan.id, starts_at: '2020-01-01T00:00:00Z', ...paid }),
      owner.call('DELETE', `company-subscriptions/${sub.id}/`),
      owner.post(`company-subscriptions/${sub.id}/restore/`),
    ];
    for (const w of await Promise.all(writes)) expect(w.status).toBe(403);
    const rows = await svc.db('company_subscriptions').where({ company_id: owner.companyId }).select('status', 'deleted_at');
    expect(rows).toEqual([{ status: 'expired', deleted_at: null }]);
    expect((await owner.get('booking/services/')).status).toBe(403);

    // The tenant still reads its billing state.
    const read = await owner.get(`company-subscriptions/${sub.id}/`);
    expect(read.status).toBe(200);
    expect(read.body.status).toBe('expired');
  });

  it('plans, products and a plan price are the platform catalogue: an owner cannot write them', async () => {
    const plan = await svc.db('subscription_plans').where({ code: 'trial' }).first('id');
    const product = await svc.db('products').where({ code: 'booking' }).first('id');
    expect((await owner.call('PATCH', `subscription-plans/${plan.id}/`, { products: ['booking'], trial_days: 365 })).status).toBe(403);
    expect((await owner.call('PATCH', `products/${product.id}/`, { is_active: false })).status).toBe(403);
    expect((await owner.post('subscription-plans/', { code: 'free', name: 'Free forever', trial_days: 365 })).status).toBe(403);
    expect(await svc.db('subscription_plans').where({ id: plan.id }).first('trial_days')).toEqual({ trial_days: 30 });
  });

  it('a superuser, or the billing system with a superuser key, changes the subscription', async () => {
    const sub = await svc.db('company_subscriptions').where({ company_id: owner.companyId }).first('id');
    const byRoot = await root(
      'PATCH',
      `company-subscriptions/${sub.id}/`,
      { status: 'active', ends_at: '2099-01-01T00:00:00Z' },
      owner.company,
    );
    expect(byRoot.status, JSON.stringify(byRoot.body)).toBe(200);
    expect(byRoot.body.status).toBe('active');
    expect((await owner.get('booking/services/')).status).toBe(200);

    const key = await root('POST', 'internal-api-keys/', { label: 'billing', user: rootId, allowed_companies: [owner.company] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const billing = await request(
      `${svc.api}company-subscriptions/${sub.id}/`,
      'PATCH',
      { status: 'past_due' },
      {
        'X-LOOP-API-KEY': key.body.key,
        'X-Company-ID': owner.company,
      },
    );
    expect(billing.status, JSON.stringify(billing.body)).toBe(200);
    expect(billing.body.status).toBe('past_due');
  });
});

describe('product access', () => {
  it('a grant past its expires_at no longer opens the product', async () => {
    const m = await signUp(svc, 'grantee');
    const me = await ownMembership(m);
    const booking = await svc.db('products').where({ code: 'booking' }).first('id');
    const grant = await m.post('product-access/', {
      membership: me.id,
      product: booking.id,
      is_enabled: true,
      expires_at: '2099-01-01T00:00:00Z',
    });
    expect(grant.status, JSON.stringify(grant.body)).toBe(201);
    expect((await m.get('booking/services/')).status).toBe(200);
    const expired = await m.call('PATCH', `product-access/${grant.body.id}/`, { expires_at: '2020-01-01T00:00:00Z' });
    expect(expired.status).toBe(200);
    const refused = await m.get('booking/services/');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('product_access_denied');
  });
});

describe('a company keeps an active owner', () => {
  let lone: LoopClient;
  beforeAll(async () => {
    lone = await signUp(svc, 'loneowner');
  });

  it('the sole owner cannot suspend, delete or un-own their membership (409 last_owner); the company stays usable', async () => {
    const me = await ownMembership(lone);
    const attempts = [
      () => lone.call('PATCH', `memberships/${me.id}/`, { status: 'suspended' }),
      () => lone.call('PATCH', `memberships/${me.id}/`, { status: 'invited' }),
      () => lone.call('PATCH', `memberships/${me.id}/`, { is_owner: false }),
      () => lone.call('PUT', `memberships/${me.id}/`, { user: me.user, role: me.role, status: 'active', is_owner: false }),
      () => lone.call('DELETE', `memberships/${me.id}/`),
    ];
    for (const attempt of attempts) {
      const r = await attempt();
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.code).toBe('last_owner');
      expect(r.body.detail).toMatch(/without an active owner/);
    }
    // A superuser is held to the same rule.
    expect((await root('PATCH', `memberships/${me.id}/`, { status: 'suspended' }, lone.company)).body.code).toBe('last_owner');
    const row = await svc.db('memberships').where({ id: me.id }).first('status', 'is_owner', 'deleted_at');
    expect(row).toEqual({ status: 'active', is_owner: true, deleted_at: null });
    expect((await lone.get('memberships/')).status).toBe(200);
    // Changes that keep the owner are still fine.
    const titled = await lone.call('PATCH', `memberships/${me.id}/`, { title: 'Founder' });
    expect(titled.status, JSON.stringify(titled.body)).toBe(200);
    expect(titled.body.title).toBe('Founder');
  });

  it('with a second active owner, the first may step down', async () => {
    const me = await ownMembership(lone);
    const other = await signUp(svc, 'coowner');
    const add = await lone.post('memberships/', { user: (await ownMembership(other)).user, status: 'active', is_owner: true });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    const down = await lone.call('PATCH', `memberships/${me.id}/`, { is_owner: false });
    expect(down.status, JSON.stringify(down.body)).toBe(200);
    // Now the other owner is the last one.
    const last = await lone.call('PATCH', `memberships/${add.body.id}/`, { status: 'suspended' });
    expect(last.status).toBe(409);
    expect(last.body.code).toBe('last_owner');
  });

  it('an owner cannot deactivate or delete the company; a superuser can, and restores it', async () => {
    const company = lone.companyId;
    const off = await lone.call('PATCH', `companies/${company}/`, { is_active: false });
    expect(off.status).toBe(403);
    expect(off.body.code).toBe('superuser_required');
    const put = await lone.call('PUT', `companies/${company}/`, { name: 'Renamed', slug: `renamed-${company}`, is_active: false });
    expect(put.status).toBe(403);
    // Sending the current value, or other fields, is a normal change.
    const same = await lone.call('PATCH', `companies/${company}/`, { is_active: true, name: 'Still mine' });
    expect(same.status, JSON.stringify(same.body)).toBe(200);
    expect(same.body).toMatchObject({ is_active: true, name: 'Still mine', code: lone.company });
    const del = await lone.call('DELETE', `companies/${company}/`);
    expect(del.status).toBe(403);
    expect(del.body.code).toBe('superuser_required');
    expect(await svc.db('companies').where({ id: company }).first('is_active', 'deleted_at')).toEqual({
      is_active: true,
      deleted_at: null,
    });
    expect((await lone.get('memberships/')).status).toBe(200);

    expect((await root('PATCH', `companies/${company}/`, { is_active: false })).status).toBe(200);
    expect((await lone.get('memberships/')).status).toBe(403);
    expect((await root('PATCH', `companies/${company}/`, { is_active: true })).status).toBe(200);
    expect((await root('DELETE', `companies/${company}/`)).status).toBe(204);
    expect((await lone.get('memberships/')).status).toBe(403);
    expect((await root('POST', `companies/${company}/restore/`)).status).toBe(200);
    expect((await lone.get('memberships/')).status).toBe(200);
  });

  it('a company code is given by the server and never changed by a tenant', async () => {
    // A read-only field: ignored or refused, never written.
    const r = await lone.call('PATCH', `companies/${lone.companyId}/`, { code: '999' });
    expect([200, 400]).toContain(r.status);
    expect(await svc.db('companies').where({ id: lone.companyId }).first('code')).toEqual({ code: lone.company });
  });
});

describe('deleted companies are listed to superusers only, and the refusal says so', () => {
  it('an owner asking for ?deleted=include gets a 403 naming superusers; a superuser gets the list', async () => {
    const r = await owner.call('GET', 'companies/?deleted=include');
    expect(r.status).toBe(403);
    expect(r.body.detail).toBe('Only superusers may list deleted companies.');
    expect(r.body.detail).not.toMatch(/owner/i);
    const gone = await signUp(svc, 'gone');
    expect((await root('DELETE', `companies/${gone.companyId}/`)).status).toBe(204);
    const all = await root('GET', 'companies/?deleted=only&page_size=100');
    expect(all.status).toBe(200);
    expect(all.body.results.map((c: { code: string }) => c.code)).toContain(gone.company);
  });
});

describe('POST /companies/ by a signed-in user', () => {
  it('creates the company with the caller as owner, an admin role and the default plan, in one go', async () => {
    const made = await owner.call(
      'POST',
      'companies/',
      { name: 'Second Venture', slug: 'second-venture', country: 'RW' },
      { 'X-Company-ID': '' },
    );
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({ name: 'Second Venture', slug: 'second-venture', country: 'RW', is_active: true });
    expect(made.body.code).toMatch(/^\d{3}$/);
    expect(made.body.code > owner.company).toBe(true);
    const id = made.body.id as number;
    const me = await ownMembership(owner);
    const ms = await svc
      .db('memberships as m')
      .join('roles as r', 'r.id', 'm.role_id')
      .where({ 'm.company_id': id })
      .select('m.user_id', 'm.is_owner', 'm.status', 'r.name');
    expect(ms).toEqual([{ user_id: me.user, is_owner: true, status: 'active', name: 'admin' }]);
    expect(await svc.db('company_subscriptions').where({ company_id: id }).select('status')).toEqual([{ status: 'trialing' }]);

    // The new company is the caller's at once: selectable, listed, its products open.
    const there = await owner.call('GET', 'booking/services/', undefined, { 'X-Company-ID': made.body.code });
    expect(there.status, JSON.stringify(there.body)).toBe(200);
    const listed = await owner.call('GET', 'companies/', undefined, { 'X-Company-ID': '' });
    expect(listed.body.results.map((c: { id: number }) => c.id)).toContain(id);
    // Its audit row names the create.
    const audit = await svc
      .db('audit_logs')
      .where({ resource: 'loop.core.companies', action: 'create', record_id: String(id) })
      .count({ n: '*' })
      .first();
    expect(Number(audit?.n)).toBe(1);
  });

  it('a taken slug is a 400 and leaves nothing behind; no token is a 401', async () => {
    const before = await svc.db('companies').count({ n: '*' }).first();
    const taken = await owner.call('POST', 'companies/', { name: 'Copy', slug: 'second-venture' }, { 'X-Company-ID': '' });
    expect(taken.status, JSON.stringify(taken.body)).toBe(400);
    expect(Object.keys(taken.body)).toContain('slug');
    expect(await svc.db('companies').count({ n: '*' }).first()).toEqual(before);
    expect((await request(`${svc.api}companies/`, 'POST', { name: 'Anon', slug: 'anon' })).status).toBe(401);
  });

  it("a superuser's create makes the company alone, with the next code", async () => {
    const made = await root('POST', 'companies/', { name: 'Operator Co', slug: 'operator-co' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const members = await svc.db('memberships').where({ company_id: made.body.id }).count({ n: '*' }).first();
    expect(Number(members?.n)).toBe(0);
    expect(await svc.db('company_subscriptions').where({ company_id: made.body.id }).first('id')).toBeUndefined();
  });
});

describe('no one grants more than they hold', () => {
  let boss: LoopClient;
  let clerk: LoopClient;
  let clerkMembership: number;
  let adminRole: number;
  const inBoss = (method: string, path: string, body?: unknown) => clerk.call(method, path, body, { 'X-Company-ID': boss.company });
  const clerkRow = () => svc.db('memberships').where({ id: clerkMembership }).first('is_owner', 'role_id', 'status');

  beforeAll(async () => {
    boss = await signUp(svc, 'grantboss');
    clerk = await signUp(svc, 'grantclerk');
    // The clerk may manage memberships and roles in the boss's company, and nothing else.
    const manager = await boss.post('roles/', {
      name: 'Membership manager',
      permissions: [
        'core.memberships.view',
        'core.memberships.add',
        'core.memberships.change',
        'core.memberships.delete',
        'core.roles.view',
        'core.roles.add',
        'core.roles.change',
      ],
    });
    expect(manager.status, JSON.stringify(manager.body)).toBe(201);
    const joined = await boss.post('memberships/', { user: (await ownMembership(clerk)).user, role: manager.body.id, status: 'active' });
    expect(joined.status, JSON.stringify(joined.body)).toBe(201);
    clerkMembership = joined.body.id;
    adminRole = (await svc.db('roles').where({ company_id: boss.companyId, name: 'admin' }).first('id')).id;
  });

  it('a member who may change memberships cannot make themselves owner or admin (403, row unchanged)', async () => {
    const before = await clerkRow();
    const own = await inBoss('PATCH', `memberships/${clerkMembership}/`, { is_owner: true });
    expect(own.status, JSON.stringify(own.body)).toBe(403);
    expect(own.body.code).toBe('owner_required');
    const admin = await inBoss('PATCH', `memberships/${clerkMembership}/`, { role: adminRole });
    expect(admin.status).toBe(403);
    expect(admin.body.code).toBe('grant_exceeds_own');
    expect(await clerkRow()).toEqual(before);
    // Nor add a new owner.
    const outsider = await signUp(svc, 'grantoutsider');
    const add = await inBoss('POST', 'memberships/', { user: (await ownMembership(outsider)).user, status: 'active', is_owner: true });
    expect(add.status).toBe(403);
    expect(await svc.db('memberships').where({ company_id: boss.companyId, user_id: (await ownMembership(outsider)).user })).toEqual([]);
    // What they hold they may give: a membership with no role.
    const plain = await inBoss('POST', 'memberships/', { user: (await ownMembership(outsider)).user, status: 'active' });
    expect(plain.status, JSON.stringify(plain.body)).toBe(201);
  });

  it('nor suspend or remove an owner', async () => {
    // Two owners, so the last-owner rule (409) is not what refuses.
    const partner = await signUp(svc, 'grantpartner');
    const co = await boss.post('memberships/', { user: (await ownMembership(partner)).user, status: 'active', is_owner: true });
    expect(co.status, JSON.stringify(co.body)).toBe(201);
    const bossMembership = await ownMembership(boss);
    for (const r of [
      await inBoss('PATCH', `memberships/${bossMembership.id}/`, { status: 'suspended' }),
      await inBoss('PATCH', `memberships/${co.body.id}/`, { is_owner: false }),
      await inBoss('DELETE', `memberships/${bossMembership.id}/`),
    ]) {
      expect(r.status, JSON.stringify(r.body)).toBe(403);
      expect(r.body.code).toBe('owner_required');
    }
    expect(await svc.db('memberships').where({ id: bossMembership.id }).first('status', 'deleted_at')).toEqual({
      status: 'active',
      deleted_at: null,
    });
  });

  it('a role may only grant what its writer holds: no "*", no admin by name, no permission beyond their own', async () => {
    for (const body of [
      { name: 'Everything', permissions: ['*'] },
      { name: 'Admin', permissions: [] },
      { name: 'Bookkeeper', permissions: ['booking.appointments.view'] },
      { name: 'Wildcard', permissions: ['core.*'] },
    ]) {
      const r = await inBoss('POST', 'roles/', body);
      expect(r.status, `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBe(403);
      expect(r.body.code).toBe('grant_exceeds_own');
    }
    const mine = (await svc.db('memberships').where({ id: clerkMembership }).first('role_id')).role_id;
    const widen = await inBoss('PATCH', `roles/${mine}/`, { permissions: ['*'] });
    expect(widen.status).toBe(403);
    expect((await svc.db('roles').where({ id: mine }).first('permissions')).permissions).not.toContain('*');
    // A narrower role is fine, and so is giving it.
    const viewer = await inBoss('POST', 'roles/', { name: 'Membership viewer', permissions: ['core.memberships.view'] });
    expect(viewer.status, JSON.stringify(viewer.body)).toBe(201);
  });

  it('an owner grants ownership and the admin role; an admin who is not an owner gives roles but not ownership', async () => {
    const made = await boss.call('PATCH', `memberships/${clerkMembership}/`, { role: adminRole });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    // Now holding everything, the clerk may give the admin role …
    const viewer = await svc.db('roles').where({ company_id: boss.companyId, name: 'Membership viewer' }).first('id');
    const third = await signUp(svc, 'grantthird');
    const add = await inBoss('POST', 'memberships/', { user: (await ownMembership(third)).user, role: adminRole, status: 'active' });
    expect(add.status, JSON.stringify(add.body)).toBe(201);
    expect((await inBoss('PATCH', `memberships/${add.body.id}/`, { role: viewer.id })).status).toBe(200);
    // … but ownership stays the owners' to give.
    expect((await inBoss('PATCH', `memberships/${clerkMembership}/`, { is_owner: true })).status).toBe(403);
    const promoted = await boss.call('PATCH', `memberships/${clerkMembership}/`, { is_owner: true });
    expect(promoted.status, JSON.stringify(promoted.body)).toBe(200);
    expect(await clerkRow()).toMatchObject({ is_owner: true });
    // The audit row of a handler's update says what changed, from what.
    const audit = await svc
      .db('audit_logs')
      .where({ resource: 'loop.core.memberships', record_id: String(clerkMembership), action: 'update' })
      .orderBy('id', 'desc')
      .first('changes');
    expect(audit.changes.is_owner).toEqual({ from: false, to: true });
  });
});
