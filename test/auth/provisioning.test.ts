/**
 * What a new company is made of (runtime/loop/auth/company-provisioning.ts), the per-database identity services
 * (loop-services.ts) and the words of `auth/me` refusals, on the real LOOP schema. Quick enough for every mutant
 * of `npm run mutate -- auth-flows`.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextCompanyCode, provisionCompany, slugify, subscribeDefaultPlan } from '../../runtime/loop/auth/company-provisioning.ts';
import { DEFAULT_LIMITS, invalidateTenancyAfterWrite, loopServices } from '../../runtime/loop/auth/loop-services.ts';
import { me } from '../../runtime/loop/auth/me-flow.ts';
import { createInternalApiKey } from '../../runtime/loop/auth/api-keys.ts';
import type { ActionContext, Principal } from '../../runtime/runtime-api.ts';
import { apiError, requestContext } from './helpers/action-context.ts';
import { closeTestDb, openTestDb } from './helpers/loop-test-db.ts';

// A minute ago (whole seconds): subscriptions made now are open to auth/me, which reads the real clock.
const NOW = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
let db: Knex;
let seq = 0;

async function user(extra: Record<string, unknown> = {}) {
  const n = ++seq;
  const [row] = await db('users')
    .insert({ email: `prov${n}@provisioning.test`, username: `prov${n}`, is_active: true, ...extra })
    .returning(['id', 'email']);
  return { id: Number(row.id), email: row.email as string };
}

beforeAll(async () => {
  db = await openTestDb();
});
afterAll(() => closeTestDb(db));

describe('company provisioning', () => {
  it('slugify: accents dropped, runs of other characters one dash, no dashes at the ends, 80 characters, "company" when empty', () => {
    expect(slugify('  Café  Crème & Co!! ')).toBe('cafe-creme-co');
    expect(slugify('--A--B--')).toBe('a-b');
    expect(slugify('a  b')).toBe('a-b');
    expect(slugify('x'.repeat(100))).toBe('x'.repeat(80));
    expect(slugify('¿¿??')).toBe('company');
    expect(slugify('')).toBe('company');
  });

  it('the next code counts numeric codes only, padded to three; a taken slug gets the code appended', async () => {
    const owner = await user();
    const before = await db.transaction((trx) => nextCompanyCode(trx));
    expect(before).toMatch(/^\d{3,}$/);
    await db('companies').insert({ code: 'Z99', name: 'Odd', slug: `odd-${seq}` });
    expect(await db.transaction((trx) => nextCompanyCode(trx))).toBe(before);
    const a = await db.transaction((trx) => provisionCompany(trx, { name: 'Same Name', ownerId: owner.id, now: NOW }));
    expect(a.company).toMatchObject({ code: before, name: 'Same Name', slug: 'same-name' });
    const b = await db.transaction((trx) => provisionCompany(trx, { name: 'Same Name', ownerId: owner.id, now: NOW }));
    expect(b.company.slug).toBe(`same-name-${b.company.code}`);
    expect(Number(b.company.code)).toBe(Number(a.company.code) + 1);
    // A slug given by the caller is kept as sent.
    const c = await db.transaction((trx) =>
      provisionCompany(trx, { name: 'Same Name', ownerId: owner.id, now: NOW, columns: { slug: 'chosen-slug' } }),
    );
    expect(c.company.slug).toBe('chosen-slug');
  });

  it('makes the company, an admin role holding *, the owner membership and the default plan subscription, stamped', async () => {
    const owner = await user();
    const made = await db.transaction((trx) => provisionCompany(trx, { name: 'Stamped', ownerId: owner.id, email: 'co@x.test', now: NOW }));
    expect(await db('companies').where({ id: made.company.id }).first('is_active', 'email', 'created_by', 'created_at')).toEqual({
      is_active: true,
      email: 'co@x.test',
      created_by: owner.id,
      created_at: NOW,
    });
    const role = await db('roles').where({ id: made.roleId }).first();
    expect(role).toMatchObject({
      company_id: made.company.id,
      name: 'admin',
      description: 'Full access to the company.',
      permissions: ['*'],
      is_system: true,
      created_by: owner.id,
    });
    const m = await db('memberships').where({ id: made.membershipId }).first();
    expect(m).toMatchObject({
      user_id: owner.id,
      role_id: made.roleId,
      status: 'active',
      is_owner: true,
      joined_at: NOW,
      created_by: owner.id,
    });
    const sub = await db('company_subscriptions').where({ id: made.subscriptionId }).first();
    const plan = await db('subscription_plans').where({ is_default: true, is_active: true }).whereNull('deleted_at').orderBy('id').first();
    expect(sub).toMatchObject({ company_id: made.company.id, plan_id: plan.id, auto_renew: true, created_by: owner.id, starts_at: NOW });
    const days = Number(plan.trial_days ?? 0);
    expect(sub.status).toBe(days > 0 ? 'trialing' : 'active');
    expect(sub.products).toEqual(plan.products ?? []);
  });

  it('the default plan decides trial and products; no default plan, no subscription', async () => {
    const owner = await user();
    const { company } = await db.transaction((trx) => provisionCompany(trx, { name: 'Plans', ownerId: owner.id, now: NOW }));
    // The plans are changed inside a transaction that is rolled back: the seed's default plan stays for the other tests.
    const h = await db.transaction();
    try {
      const sub = (id: number | null) => h('company_subscriptions').where({ id }).first();
      await h('subscription_plans').update({ is_default: false });
      const [trial] = await h('subscription_plans')
        .insert({ code: `t-${seq}`, name: 'T', is_default: true, is_active: true, trial_days: 14, products: JSON.stringify(['crm']) })
        .returning('id');
      const t = await sub(await subscribeDefaultPlan(h, company.id, owner.id, NOW));
      expect(t).toMatchObject({ plan_id: trial.id, status: 'trialing', products: ['crm'] });
      expect(new Date(t.ends_at).getTime()).toBe(NOW.getTime() + 14 * 86_400_000);
      expect(new Date(t.trial_ends_at).getTime()).toBe(NOW.getTime() + 14 * 86_400_000);
      await h('subscription_plans')
        .where({ id: trial.id })
        .update({ trial_days: 0, products: JSON.stringify([]) });
      const paid = await sub(await subscribeDefaultPlan(h, company.id, owner.id, NOW));
      expect(paid).toMatchObject({ status: 'active', ends_at: null, trial_ends_at: null, products: [] });
      // An inactive default plan does not count.
      await h('subscription_plans').where({ id: trial.id }).update({ is_active: false });
      expect(await subscribeDefaultPlan(h, company.id, owner.id, NOW)).toBeNull();
      await h('subscription_plans').where({ id: trial.id }).update({ is_active: true, is_default: false });
      expect(await subscribeDefaultPlan(h, company.id, owner.id, NOW)).toBeNull();
    } finally {
      await h.rollback();
    }
  });
});

describe('loop services', () => {
  it('one set of services per database handle, with the options given; limits merge over the defaults', async () => {
    const handle = await db.transaction();
    try {
      const clock = () => 42;
      const s = loopServices(handle, { jwtSecret: 's'.repeat(40), now: clock, limits: { loginPerIp: 3 } });
      expect(loopServices(handle)).toBe(s);
      expect(s.db).toBe(handle);
      expect(s.now).toBe(clock);
      expect(s.limits).toEqual({ ...DEFAULT_LIMITS, loginPerIp: 3 });
      expect(DEFAULT_LIMITS).toEqual({
        loginPerIp: 30,
        loginPerEmail: 10,
        registerPerIp: 10,
        registerPerEmail: 5,
        resetPerIp: 10,
        resetPerEmail: 3,
      });
      expect(s.envKey).toBeNull();
      // The clock reaches the caches: a rate-limit bucket counts in memory against it.
      for (let i = 0; i < 3; i++) await s.limiter.take('x', { capacity: 3, refillPerSecond: 0 } as never).catch(() => undefined);
      const u = await (async () => {
        const [row] = await handle('users')
          .insert({ email: 'svc@provisioning.test', username: 'svc-user', is_active: true })
          .returning('id');
        return Number(row.id);
      })();
      const pair = await s.tokens.issuePair(handle, { id: u, email: 'svc@provisioning.test', is_superuser: false });
      expect(JSON.parse(Buffer.from(pair.access.split('.')[1]!, 'base64url').toString()).iat).toBe(0);
    } finally {
      await handle.rollback();
    }
  });

  it('a CRUD write to internal API keys or client apps drops those caches', async () => {
    const handle = await db.transaction();
    try {
      const s = loopServices(handle, { jwtSecret: 's'.repeat(40), now: () => Date.now() });
      const [row] = await handle('users').insert({ email: 'inv@provisioning.test', username: 'inv-user', is_active: true }).returning('id');
      const key = await createInternalApiKey(handle, { userId: Number(row.id), label: 'k', allowedCompanyIds: [] });
      await s.apiKeys.verify(key.key);
      await handle('internal_api_keys').where({ id: key.id }).update({ is_active: false });
      invalidateTenancyAfterWrite(handle, 'loop.core.api-client-apps', handle);
      expect((await s.apiKeys.verify(key.key)).keyId).toBe(key.id); // another cache
      invalidateTenancyAfterWrite(handle, 'loop.core.internal-api-keys', handle);
      expect((await apiError(s.apiKeys.verify(key.key))).code).toBe('api_key_revoked');
      await handle('api_client_apps').insert({ app_id: 'prov-app', name: 'P' });
      expect(await s.apps.resolve('prov-app', null)).toBe('prov-app');
      await handle('api_client_apps').where({ app_id: 'prov-app' }).update({ is_active: false });
      invalidateTenancyAfterWrite(handle, 'loop.core.internal-api-keys', handle);
      expect(await s.apps.resolve('prov-app', null)).toBe('prov-app');
      invalidateTenancyAfterWrite(handle, 'loop.core.api-client-apps', handle);
      expect((await apiError(s.apps.resolve('prov-app', null))).code).toBe('app_disabled');
      // A database without services yet: nothing to drop, no error.
      const other = await handle.transaction();
      invalidateTenancyAfterWrite(other, 'loop.core.api-client-apps', other);
      await other.rollback();
    } finally {
      await handle.rollback();
    }
  });
});

describe('auth/me refusals and superuser view', () => {
  const run = (p: Principal | null): Promise<any> =>
    db.transaction((trx) =>
      me({
        ctx: requestContext(db, { principal: p }),
        action: {},
        params: {},
        query: {},
        body: {},
        trx,
        audit: async () => undefined,
        baseUrl: '',
      } as unknown as ActionContext),
    );

  it('says why', async () => {
    loopServices(db, { jwtSecret: 'm'.repeat(40) });
    const anon = await apiError(run(null));
    expect((anon as unknown as Error).message).toBe('Authentication credentials were not provided.');
    const off = await user({ is_active: false });
    const inactive = await apiError(run({ userId: off.id, email: off.email, isSuperuser: false, via: 'jwt' }));
    expect((inactive as unknown as Error).message).toBe('User is inactive or deleted.');
  });

  it("a superuser's suspended membership gives no role; products are sorted", async () => {
    const root = await user({ is_superuser: true });
    const { company, membershipId } = await db.transaction((trx) => provisionCompany(trx, { name: 'Root Co', ownerId: root.id, now: NOW }));
    await db('memberships').where({ id: membershipId }).update({ status: 'suspended' });
    const body = (await run({ userId: root.id, email: root.email, isSuperuser: true, via: 'jwt' })).body;
    const c = body.companies.find((x: any) => x.id === company.id);
    expect(c).toMatchObject({ role: null, is_owner: false });
    expect(c.products).toEqual([...c.products].sort());
    // A member with product access rows listed in reverse order still gets them sorted.
    const member = await user();
    const made = await db.transaction((trx) => provisionCompany(trx, { name: 'Member Co', ownerId: member.id, now: NOW }));
    const codes = ['desk', 'crm', 'booking'];
    for (const code of codes) {
      const p = await db('products').where({ code }).first('id');
      await db('product_access').insert({
        company_id: made.company.id,
        membership_id: made.membershipId,
        product_id: p.id,
        is_enabled: true,
      });
    }
    const mine = (await run({ userId: member.id, email: member.email, isSuperuser: false, via: 'jwt' })).body.companies[0];
    const open = codes.filter((x) => mine.products.includes(x));
    expect(mine.products).toEqual([...open].sort());
    expect(mine.products.length).toBeGreaterThan(1);
  });
});
