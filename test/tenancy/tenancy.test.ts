import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInternalApiKey, revokeInternalApiKey } from '../../runtime/loop/auth/api-keys.ts';
import { createLoopAuthProvider } from '../../runtime/loop/auth/loop-auth-provider.ts';
import { loopServices } from '../../runtime/loop/auth/loop-services.ts';
import { register } from '../../runtime/loop/auth/session-flows.ts';
import type { Principal } from '../../runtime/runtime-api.ts';
import { apiError, requestContext, runAction } from '../auth/helpers/action-context.ts';
import { closeTestDb, openTestDb } from '../auth/helpers/loop-test-db.ts';

const clock = { t: Date.UTC(2031, 2, 1, 12) };
let db: Knex;
let owner: { id: number; email: string };
let other: { id: number; email: string };

/** A fake Express request: only what the provider reads. */
const req = (headers: Record<string, string>) => ({ get: (h: string) => headers[h.toLowerCase()] }) as never;
const asUser = (u: { id: number; email: string }): Principal => ({ userId: u.id, email: u.email, isSuperuser: false, via: 'jwt' });

beforeAll(async () => {
  db = await openTestDb();
  loopServices(db, { jwtSecret: 'y'.repeat(40), now: () => clock.t });
  // The seeded trial opens every product; narrow it so a product outside the subscription (fleet) can be tested.
  await db('subscription_plans')
    .where({ code: 'trial' })
    .update({ products: JSON.stringify(['core', 'booking', 'payments', 'crm']) });
  // Company 001 (owner), 002 (other), and owner is also invited as staff into 002 below.
  owner = (
    await runAction(db, register, {
      body: { email: 'owner@acme.test', username: 'owner', password: 'tangerine-sky-42', company_name: 'Acme' },
      ip: '10.0.0.1',
    })
  ).body.user;
  other = (
    await runAction(db, register, {
      body: { email: 'other@beta.test', username: 'other', password: 'marble-forest-77', company_name: 'Beta' },
      ip: '10.0.0.2',
    })
  ).body.user;
});
afterAll(() => closeTestDb(db));

const tenancy = () => loopServices(db).tenancy;

describe('tenant resolution', () => {
  it('register created 001 and 002 with owner memberships and a trial subscription', async () => {
    const codes = await db('companies').orderBy('code').pluck('code');
    expect(codes).toEqual(['001', '002']);
    const t = await tenancy().resolve(asUser(owner), '001', 'booking');
    expect(t).toMatchObject({ companyCode: '001', role: 'admin' });
    expect(t.permissions.has('*')).toBe(true);
  });

  it('with exactly one company the header may be omitted', async () => {
    expect((await tenancy().resolve(asUser(owner), null, 'booking')).companyCode).toBe('001');
  });

  it('a non-member gets 403 for another company, known or not', async () => {
    expect((await apiError(tenancy().resolve(asUser(owner), '002', null))).code).toBe('company_access_denied');
    expect((await apiError(tenancy().resolve(asUser(owner), '999', null))).code).toBe('company_access_denied');
  });

  it('several companies without the header is a 400 naming X-Company-ID', async () => {
    const company2 = await db('companies').where({ code: '002' }).first();
    const staffRole = (
      await db('roles')
        .insert({ company_id: company2.id, name: 'staff', permissions: JSON.stringify(['booking.services.view']) })
        .returning('id')
    )[0].id;
    await db('memberships').insert({ company_id: company2.id, user_id: owner.id, role_id: staffRole, status: 'active' });
    tenancy().invalidateUser(owner.id);
    const e = await apiError(tenancy().resolve(asUser(owner), undefined, 'booking'));
    expect(e.status).toBe(400);
    expect((e as unknown as Error).message).toContain('X-Company-ID');
    const t = await tenancy().resolve(asUser(owner), '002', 'booking');
    expect(t.role).toBe('staff');
    expect([...t.permissions]).toEqual(['booking.services.view']);
  });

  it('product-access rows narrow a membership to the listed products', async () => {
    const m = await db('memberships')
      .where({ user_id: owner.id })
      .whereIn('company_id', db('companies').where({ code: '002' }).select('id'))
      .first();
    const booking = await db('products').where({ code: 'booking' }).first();
    await db('product_access').insert({ company_id: m.company_id, membership_id: m.id, product_id: booking.id, is_enabled: true });
    tenancy().clear();
    expect((await tenancy().resolve(asUser(owner), '002', 'booking')).companyCode).toBe('002');
    expect((await apiError(tenancy().resolve(asUser(owner), '002', 'crm'))).code).toBe('product_access_denied');
  });

  it('no open subscription to the product → 403; an expired trial closes it', async () => {
    expect((await apiError(tenancy().resolve(asUser(other), '002', 'fleet'))).code).toBe('subscription_required');
    clock.t += 31 * 86_400_000;
    tenancy().clear();
    expect((await apiError(tenancy().resolve(asUser(other), '002', 'booking'))).code).toBe('subscription_required');
    // Core (product-less) operations still reach the company.
    expect((await tenancy().resolve(asUser(other), '002', null)).companyCode).toBe('002');
    const c = await db('companies').where({ code: '002' }).first();
    await db('company_subscriptions').where({ company_id: c.id }).update({ status: 'active', ends_at: null });
    tenancy().invalidateCompany(c.id);
    expect((await tenancy().resolve(asUser(other), '002', 'booking')).companyCode).toBe('002');
  });

  it('superusers reach any company with every permission', async () => {
    const su = { userId: 999, email: 'root@x', isSuperuser: true, via: 'jwt' as const };
    expect((await tenancy().resolve(su, '001', 'fleet')).permissions.has('*')).toBe(true);
  });
});

describe('X-LOOP-API-KEY', () => {
  it('stores only prefix + HMAC, authenticates, and is limited to its companies', async () => {
    const c1 = await db('companies').where({ code: '001' }).first();
    const { id, key, prefix } = await createInternalApiKey(db, { userId: owner.id, label: 'ui', allowedCompanyIds: [c1.id] });
    expect(key).toMatch(/^loop_[a-z0-9]{12}_/);
    const row = await db('internal_api_keys').where({ id }).first();
    expect(row.prefix).toBe(prefix);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(key.slice(`loop_${prefix}_`.length));
    expect(row.allowed_companies).toEqual(['001']);

    const provider = createLoopAuthProvider({ jwtSecret: 'y'.repeat(40), now: () => clock.t });
    const ctx = requestContext(db);
    const p = (await provider.authenticate(req({ 'x-loop-api-key': key }), ctx))!;
    expect(p).toMatchObject({ userId: owner.id, via: 'api_key', keyId: id, allowedCompanyIds: [c1.id] });
    ctx.principal = p;
    expect((await provider.resolveTenant(req({ 'x-company-id': '001' }), ctx, { scope: 'company', product: null }))!.companyCode).toBe(
      '001',
    );
    // The owner is a member of 002, but the key is not allowed there.
    const e = await apiError(provider.resolveTenant(req({ 'x-company-id': '002' }), ctx, { scope: 'company', product: 'booking' }));
    expect([e.status, e.code]).toEqual([403, 'api_key_company_not_allowed']);

    // A wrong secret with the right prefix, and a malformed key, are both 401.
    const wrong = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    expect((await apiError(provider.authenticate(req({ 'x-loop-api-key': wrong }), requestContext(db)))).code).toBe('invalid_api_key');
    expect((await apiError(provider.authenticate(req({ 'x-loop-api-key': 'garbage' }), requestContext(db)))).status).toBe(401);

    await revokeInternalApiKey(db, loopServices(db).apiKeys, id);
    expect((await apiError(provider.authenticate(req({ 'x-loop-api-key': key }), requestContext(db)))).code).toBe('api_key_revoked');
  });

  it('expired keys are 401', async () => {
    const { key } = await createInternalApiKey(db, {
      userId: owner.id,
      label: 'old',
      allowedCompanyIds: [],
      expiresAt: new Date(clock.t - 1000),
    });
    const provider = createLoopAuthProvider({ now: () => clock.t });
    expect((await apiError(provider.authenticate(req({ 'x-loop-api-key': key }), requestContext(db)))).code).toBe('api_key_expired');
  });

  it('LOOP_INTERNAL_API_KEY acts as LOOP_INTERNAL_API_USER_EMAIL', async () => {
    const env = { LOOP_INTERNAL_API_KEY: 'env-secret-key-0123456789', LOOP_INTERNAL_API_USER_EMAIL: 'other@beta.test' };
    // A distinct handle → its own services with this env. A transaction rather than withUserParams, which
    // the mutation profile's rolled-back test database (itself a transaction) cannot offer.
    const db2 = await db.transaction();
    try {
      loopServices(db2, { jwtSecret: 'y'.repeat(40), env, now: () => clock.t });
      const provider = createLoopAuthProvider({ env });
      const p = await provider.authenticate(req({ 'x-loop-api-key': 'env-secret-key-0123456789' }), requestContext(db2));
      expect(p).toMatchObject({ userId: other.id, via: 'env_key', allowedCompanyIds: null });
      expect(
        (await apiError(provider.authenticate(req({ 'x-loop-api-key': 'env-secret-key-012345678X' }), requestContext(db2)))).status,
      ).toBe(401);
    } finally {
      await db2.rollback();
    }
  });
});

describe('X-LOOP-APP-ID', () => {
  it('unknown, disabled and not-allowed apps are 403 with distinct codes', async () => {
    const provider = createLoopAuthProvider();
    const ctx = requestContext(db);
    expect(await provider.resolveApp!(req({}), ctx, { product: 'booking' })).toBeNull();
    expect(await provider.resolveApp!(req({ 'x-loop-app-id': 'loop-admin' }), ctx, { product: 'crm' })).toBe('loop-admin');
    expect((await apiError(provider.resolveApp!(req({ 'x-loop-app-id': 'nope' }), ctx, { product: null }))).code).toBe('unknown_app');
    expect((await apiError(provider.resolveApp!(req({ 'x-loop-app-id': 'loop-booking-web' }), ctx, { product: 'crm' }))).code).toBe(
      'app_not_allowed_for_product',
    );
    await db('api_client_apps').where({ app_id: 'loop-admin' }).update({ is_active: false });
    loopServices(db).apps.invalidate();
    expect((await apiError(provider.resolveApp!(req({ 'x-loop-app-id': 'loop-admin' }), ctx, { product: null }))).code).toBe(
      'app_disabled',
    );
  });
});
