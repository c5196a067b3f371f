/**
 * LOOP identity pieces called directly on the real LOOP schema, each rule with its boundary: user lookups,
 * the environment key, client apps, internal API keys (format, hashing, revocation, expiry, last use),
 * the AuthProvider's header handling, the internal-api-keys create handler and `auth/me/`. Users are inserted
 * directly (one argon2 hash for the file), so it is quick enough for every mutant of `npm run mutate -- auth`.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internalApiKeyResource } from '../../generated/loop/server/core.ts';
import {
  ApiKeyVerifier,
  createInternalApiKey,
  hashApiKey,
  insertInternalApiKey,
  revokeInternalApiKey,
} from '../../runtime/loop/auth/api-keys.ts';
import { APP_HEADER, ClientAppResolver } from '../../runtime/loop/auth/client-apps.ts';
import { envKeyConfig, envKeyPrincipal, matchesEnvKey } from '../../runtime/loop/auth/env-key.ts';
import { createInternalApiKeyHandler } from '../../runtime/loop/auth/internal-key-handler.ts';
import { API_KEY_HEADER, createLoopAuthProvider } from '../../runtime/loop/auth/loop-auth-provider.ts';
import { loopServices } from '../../runtime/loop/auth/loop-services.ts';
import { me } from '../../runtime/loop/auth/me-flow.ts';
import { findActiveUser, findUserByEmail, normaliseEmail, publicUser } from '../../runtime/loop/auth/user-store.ts';
import { provisionCompany } from '../../runtime/loop/auth/company-provisioning.ts';
import type { ActionContext, Principal, TenantContext } from '../../runtime/runtime-api.ts';
import { hmacHex } from '../../runtime/security/token-hash.ts';
import { hashPassword } from '../../runtime/security/password-hash.ts';
import { apiError, requestContext } from './helpers/action-context.ts';
import { closeTestDb, openTestDb } from './helpers/loop-test-db.ts';

const clock = { t: Date.UTC(2031, 4, 1, 12) };
let db: Knex;
let hash: string;
let seq = 0;

interface U {
  id: number;
  email: string;
}

/** `on`: the handle to insert through (PGlite has one connection: inside a transaction, use it). */
async function user(extra: Record<string, unknown> = {}, on: Knex = db): Promise<U> {
  const n = ++seq;
  const email = `User${n}@Auth-Units.test`;
  const [row] = await on('users')
    .insert({ email, username: `user${n}`, password_hash: hash, is_active: true, ...extra })
    .returning(['id', 'email']);
  return { id: Number(row.id), email: row.email };
}

const company = (ownerId: number) =>
  db.transaction((trx) => provisionCompany(trx, { name: `Auth Units ${++seq}`, ownerId, now: new Date(clock.t) }));

const req = (headers: Record<string, string>) => ({ get: (h: string) => headers[h.toLowerCase()] }) as never;
const principalOf = (u: U, extra: Partial<Principal> = {}): Principal => ({
  userId: u.id,
  email: u.email,
  isSuperuser: false,
  via: 'jwt',
  ...extra,
});

function action(principal: Principal | null, body: unknown = {}, trx: Knex = db): ActionContext<any> {
  return {
    ctx: requestContext(db, { principal }),
    action: { id: 'core.createInternalApiKey', resource: internalApiKeyResource } as unknown as ActionContext['action'],
    params: {},
    query: {},
    body,
    trx,
    audit: async () => undefined,
    baseUrl: 'http://loop.test',
  } as ActionContext<any>;
}

beforeAll(async () => {
  db = await openTestDb();
  loopServices(db, { jwtSecret: 'u'.repeat(40), now: () => clock.t });
  hash = await hashPassword('violet-harbour-58');
});
afterAll(() => closeTestDb(db));

describe('user store', () => {
  it('emails compare trimmed and case-insensitively; deleted users do not exist; inactive ones are not active', async () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    const u = await user();
    expect((await findUserByEmail(db, `  ${u.email.toUpperCase()} `))?.id).toBe(u.id);
    expect((await findActiveUser(db, u.id))?.id).toBe(u.id);
    const off = await user({ is_active: false });
    expect((await findUserByEmail(db, off.email))?.id).toBe(off.id);
    expect(await findActiveUser(db, off.id)).toBeUndefined();
    const gone = await user({ deleted_at: new Date() });
    expect(await findUserByEmail(db, gone.email)).toBeUndefined();
    expect(await findActiveUser(db, gone.id)).toBeUndefined();
  });

  it('publicUser never shows the hash; names default to empty, phone and dates to null', () => {
    const base = {
      id: 5,
      email: 'a@b.c',
      username: 'a',
      password_hash: 'secret',
      first_name: null,
      last_name: null,
      phone: null,
      is_active: true,
      is_superuser: false,
      last_login: null,
      created_at: null as unknown as Date,
    };
    expect(publicUser(base)).toEqual({
      id: 5,
      email: 'a@b.c',
      username: 'a',
      first_name: '',
      last_name: '',
      phone: null,
      is_active: true,
      is_superuser: false,
      last_login: null,
      date_joined: null,
    });
    const full = publicUser({
      ...base,
      first_name: 'Ada',
      last_name: 'King',
      phone: '+44',
      is_superuser: true,
      last_login: new Date(Date.UTC(2031, 0, 1)),
      created_at: new Date(Date.UTC(2030, 0, 1)),
    });
    expect(full).toMatchObject({
      first_name: 'Ada',
      last_name: 'King',
      phone: '+44',
      is_superuser: true,
      last_login: '2031-01-01T00:00:00.000Z',
      date_joined: '2030-01-01T00:00:00.000Z',
    });
    expect(JSON.stringify(full)).not.toContain('secret');
  });
});

describe('LOOP_INTERNAL_API_KEY', () => {
  it('needs both the key and the email, trimmed', () => {
    expect(envKeyConfig({ LOOP_INTERNAL_API_KEY: ' k ', LOOP_INTERNAL_API_USER_EMAIL: ' e@x.y ' })).toEqual({ key: 'k', email: 'e@x.y' });
    expect(envKeyConfig({ LOOP_INTERNAL_API_KEY: 'k' })).toBeNull();
    expect(envKeyConfig({ LOOP_INTERNAL_API_USER_EMAIL: 'e@x.y' })).toBeNull();
    expect(envKeyConfig({ LOOP_INTERNAL_API_KEY: ' ', LOOP_INTERNAL_API_USER_EMAIL: 'e@x.y' })).toBeNull();
    expect(envKeyConfig({})).toBeNull();
  });

  it('matches the presented key exactly (trimmed), never without a configuration', () => {
    const cfg = { key: 'env-key-123', email: 'e@x.y' };
    expect(matchesEnvKey(cfg, 'env-key-123')).toBe(true);
    expect(matchesEnvKey(cfg, ' env-key-123 ')).toBe(true);
    expect(matchesEnvKey(cfg, 'env-key-124')).toBe(false);
    expect(matchesEnvKey(null, 'env-key-123')).toBe(false);
  });

  it('acts as the named active user; a missing or inactive user is a 401', async () => {
    const u = await user({ is_superuser: true });
    expect(await envKeyPrincipal(db, { key: 'k', email: u.email.toLowerCase() })).toEqual({
      userId: u.id,
      email: u.email,
      isSuperuser: true,
      via: 'env_key',
      allowedCompanyIds: null,
    });
    const off = await user({ is_active: false });
    for (const email of [off.email, 'nobody@auth-units.test']) {
      const e = await apiError(envKeyPrincipal(db, { key: 'k', email }));
      expect(e).toMatchObject({ status: 401, code: 'api_key_user_inactive' });
      expect((e as unknown as Error).message).toBe('LOOP_INTERNAL_API_USER_EMAIL does not name an active user.');
    }
  });
});

describe('client apps', () => {
  it('no header is no app; unknown, disabled and not-allowed apps are refused with their own codes and words', async () => {
    const apps = new ClientAppResolver(db, 60_000, () => clock.t);
    expect(APP_HEADER).toBe('X-LOOP-APP-ID');
    expect(await apps.resolve(undefined, 'crm')).toBeNull();
    expect(await apps.resolve('   ', 'crm')).toBeNull();
    await db('api_client_apps').insert([
      { app_id: 'au-any', name: 'Any', allowed_products: JSON.stringify([]) },
      { app_id: 'au-crm', name: 'CRM', allowed_products: JSON.stringify(['crm', 'desk']) },
      { app_id: 'au-off', name: 'Off', is_active: false },
      { app_id: 'au-gone', name: 'Gone', deleted_at: new Date() },
    ]);
    expect(await apps.resolve(' au-any ', 'fleet')).toBe('au-any');
    expect(await apps.resolve('au-crm', 'crm')).toBe('au-crm');
    expect(await apps.resolve('au-crm', null)).toBe('au-crm');
    const notAllowed = await apiError(apps.resolve('au-crm', 'fleet'));
    expect(notAllowed).toMatchObject({ status: 403, code: 'app_not_allowed_for_product' });
    expect((notAllowed as unknown as Error).message).toBe('The app "au-crm" is not allowed to use fleet.');
    const off = await apiError(apps.resolve('au-off', null));
    expect(off).toMatchObject({ status: 403, code: 'app_disabled' });
    expect((off as unknown as Error).message).toBe('The app "au-off" is disabled.');
    for (const name of ['au-gone', 'au-none']) {
      const e = await apiError(apps.resolve(name, null));
      expect(e).toMatchObject({ status: 403, code: 'unknown_app' });
      expect((e as unknown as Error).message).toBe(`Unknown X-LOOP-APP-ID "${name}".`);
    }
  });

  it('answers are cached until invalidated or the TTL passes', async () => {
    const t = { now: clock.t };
    const apps = new ClientAppResolver(db, 1_000, () => t.now);
    await db('api_client_apps').insert({ app_id: 'au-cache', name: 'Cache' });
    expect(await apps.resolve('au-cache', null)).toBe('au-cache');
    await db('api_client_apps').where({ app_id: 'au-cache' }).update({ is_active: false });
    expect(await apps.resolve('au-cache', null)).toBe('au-cache');
    t.now += 1_000;
    expect((await apiError(apps.resolve('au-cache', null))).code).toBe('app_disabled');
    await db('api_client_apps').where({ app_id: 'au-cache' }).update({ is_active: true });
    apps.invalidate();
    expect(await apps.resolve('au-cache', null)).toBe('au-cache');
  });
});

describe('internal API keys', () => {
  it('are loop_<12 lower-case letters or digits>_<43 url-safe>, stored as prefix + HMAC with the pepper', async () => {
    const u = await user();
    const made = await insertInternalApiKey(db, { userId: u.id, label: 'k', allowedCompanies: ['b', 'a'], createdBy: null });
    expect(made.key).toMatch(/^loop_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(made.key.slice(5, 17)).toBe(made.prefix);
    const row = await db('internal_api_keys').where({ id: made.id }).first();
    expect(row).toMatchObject({
      label: 'k',
      prefix: made.prefix,
      key_hash: hmacHex('loopgen:internal-api-key:v1', made.key),
      user_id: u.id,
      allowed_companies: ['a', 'b'],
      expires_at: null,
      revoked_at: null,
      is_active: true,
      created_by: null,
    });
    expect(hashApiKey(made.key, 'p')).toBe(hmacHex('p', made.key));
    expect(hashApiKey(made.key)).toBe(row.key_hash);
    const other = await insertInternalApiKey(db, {
      userId: u.id,
      label: 'k2',
      allowedCompanies: [],
      expiresAt: new Date(clock.t),
      revokedAt: new Date(clock.t),
      isActive: false,
      createdBy: u.id,
    });
    expect(other.prefix).not.toBe(made.prefix);
    expect(await db('internal_api_keys').where({ id: other.id }).first('is_active', 'created_by')).toEqual({
      is_active: false,
      created_by: u.id,
    });
  });

  it('createInternalApiKey stores the companies by code, sorted; none means an empty list', async () => {
    const u = await user();
    const a = await company(u.id);
    const b = await company(u.id);
    const k = await createInternalApiKey(db, { userId: u.id, label: 'two', allowedCompanyIds: [b.company.id, a.company.id] });
    expect((await db('internal_api_keys').where({ id: k.id }).first()).allowed_companies).toEqual([a.company.code, b.company.code].sort());
    const none = await createInternalApiKey(db, { userId: u.id, label: 'none', allowedCompanyIds: [] });
    expect(await db('internal_api_keys').where({ id: none.id }).first('allowed_companies', 'created_by')).toEqual({
      allowed_companies: [],
      created_by: u.id,
    });
  });

  it('verify: the key acts as its user for the listed companies, and marks its use at most once a minute', async () => {
    const t = { now: clock.t };
    const verifier = new ApiKeyVerifier(db, undefined, () => t.now);
    const u = await user();
    const c = await company(u.id);
    const k = await createInternalApiKey(db, { userId: u.id, label: 'v', allowedCompanyIds: [c.company.id] });
    const p = await verifier.verify(`  ${k.key} `);
    expect(p).toEqual({ userId: u.id, email: u.email, isSuperuser: false, via: 'api_key', keyId: k.id, allowedCompanyIds: [c.company.id] });
    const used = async () => (await db('internal_api_keys').where({ id: k.id }).first('last_used_at')).last_used_at?.getTime() ?? null;
    expect(await used()).toBe(t.now);
    const first = t.now;
    t.now += 59_999;
    await verifier.verify(k.key);
    expect(await used()).toBe(first);
    t.now += 1; // a minute after the last mark
    await verifier.verify(k.key);
    expect(await used()).toBe(t.now);
    const open = await createInternalApiKey(db, { userId: u.id, label: 'all', allowedCompanyIds: [] });
    expect((await verifier.verify(open.key)).allowedCompanyIds).toEqual([]);
  });

  it('verify refuses malformed, unknown, wrong, revoked and expired keys and keys of inactive users', async () => {
    const t = { now: clock.t };
    const verifier = new ApiKeyVerifier(db, undefined, () => t.now);
    const u = await user();
    const k = await createInternalApiKey(db, { userId: u.id, label: 'r', allowedCompanyIds: [] });
    const code = async (key: string) => (await apiError(verifier.verify(key))).code;
    expect(await code('nonsense')).toBe('invalid_api_key');
    expect(await code(`loop_${'a'.repeat(12)}_${'b'.repeat(43)}`)).toBe('invalid_api_key');
    expect(await code(k.key.slice(0, -1) + (k.key.endsWith('A') ? 'B' : 'A'))).toBe('invalid_api_key');
    expect(await code(`${k.key}x`)).toBe('invalid_api_key');
    const e = await apiError(verifier.verify('nonsense'));
    expect(e.status).toBe(401);
    expect((e as unknown as Error).message).toBe('Invalid API key.');

    const expiring = await createInternalApiKey(db, { userId: u.id, label: 'e', allowedCompanyIds: [], expiresAt: new Date(t.now + 1000) });
    await verifier.verify(expiring.key);
    t.now += 999;
    await verifier.verify(expiring.key);
    t.now += 1; // expires_at itself is already expired
    const expired = await apiError(verifier.verify(expiring.key));
    expect(expired).toMatchObject({ status: 401, code: 'api_key_expired' });
    expect((expired as unknown as Error).message).toBe('This API key has expired.');

    await db('internal_api_keys').where({ id: k.id }).update({ is_active: false });
    verifier.invalidate(k.prefix);
    const revoked = await apiError(verifier.verify(k.key));
    expect(revoked).toMatchObject({ status: 401, code: 'api_key_revoked' });
    expect((revoked as unknown as Error).message).toBe('This API key has been revoked.');
    await db('internal_api_keys').where({ id: k.id }).update({ is_active: true, revoked_at: new Date() });
    verifier.invalidate();
    expect(await code(k.key)).toBe('api_key_revoked');

    const other = await createInternalApiKey(db, { userId: u.id, label: 'u', allowedCompanyIds: [] });
    await db('users').where({ id: u.id }).update({ is_active: false });
    const inactive = await apiError(verifier.verify(other.key));
    expect(inactive).toMatchObject({ status: 401, code: 'api_key_user_inactive' });
    expect((inactive as unknown as Error).message).toBe('The user of this API key is inactive.');
  });

  it('a deleted key is unknown; cached answers stay until invalidated, and revoke drops its own', async () => {
    const verifier = new ApiKeyVerifier(db, undefined, () => clock.t);
    const u = await user();
    const k = await createInternalApiKey(db, { userId: u.id, label: 'c', allowedCompanyIds: [] });
    await verifier.verify(k.key);
    await db('internal_api_keys').where({ id: k.id }).update({ deleted_at: new Date() });
    await verifier.verify(k.key); // cached
    verifier.invalidate('another-prefix');
    await verifier.verify(k.key);
    verifier.invalidate(k.prefix);
    expect((await apiError(verifier.verify(k.key))).code).toBe('invalid_api_key');

    const r = await createInternalApiKey(db, { userId: u.id, label: 'rv', allowedCompanyIds: [] });
    await verifier.verify(r.key);
    await revokeInternalApiKey(db, verifier, r.id);
    expect(await db('internal_api_keys').where({ id: r.id }).first('is_active')).toEqual({ is_active: false });
    expect((await db('internal_api_keys').where({ id: r.id }).first('revoked_at')).revoked_at).not.toBeNull();
    expect((await apiError(verifier.verify(r.key))).code).toBe('api_key_revoked');
    await revokeInternalApiKey(db, null, 9_999_999); // unknown id, no verifier: nothing to do
    // Only that key is revoked, and a revoke without a verifier still writes.
    const kept = await createInternalApiKey(db, { userId: u.id, label: 'kept', allowedCompanyIds: [] });
    const alone = await createInternalApiKey(db, { userId: u.id, label: 'alone', allowedCompanyIds: [] });
    await revokeInternalApiKey(db, null, alone.id);
    expect(await db('internal_api_keys').where({ id: alone.id }).first('is_active')).toEqual({ is_active: false });
    expect(await db('internal_api_keys').where({ id: kept.id }).first('is_active', 'revoked_at')).toEqual({
      is_active: true,
      revoked_at: null,
    });
  });

  it('marking use touches only the key used; invalidate() forgets every cached key', async () => {
    const t = { now: clock.t };
    const verifier = new ApiKeyVerifier(db, undefined, () => t.now);
    const u = await user();
    const used = await createInternalApiKey(db, { userId: u.id, label: 'used', allowedCompanyIds: [] });
    const idle = await createInternalApiKey(db, { userId: u.id, label: 'idle', allowedCompanyIds: [] });
    await verifier.verify(used.key);
    expect(await db('internal_api_keys').where({ id: idle.id }).first('last_used_at')).toEqual({ last_used_at: null });
    await db('internal_api_keys').where({ id: used.id }).update({ is_active: false });
    expect((await verifier.verify(used.key)).keyId).toBe(used.id); // cached
    verifier.invalidate();
    expect((await apiError(verifier.verify(used.key))).code).toBe('api_key_revoked');
    await db('internal_api_keys').where({ id: used.id }).update({ is_active: true });
    verifier.invalidate();
    expect((await verifier.verify(used.key)).keyId).toBe(used.id);
  });
});

describe('the LOOP AuthProvider', () => {
  it('no credentials is anonymous; a malformed Authorization header or a bad token is a 401', async () => {
    const provider = createLoopAuthProvider({ jwtSecret: 'u'.repeat(40), now: () => clock.t });
    const ctx = requestContext(db);
    expect(API_KEY_HEADER).toBe('X-LOOP-API-KEY');
    expect(await provider.authenticate(req({}), ctx)).toBeNull();
    for (const authorization of ['Basic abc', 'Bearer', 'Bearer a b', 'Token abc', 'xBearer abc', 'Basic Bearer abc']) {
      const e = await apiError(provider.authenticate(req({ authorization }), ctx));
      expect(e).toMatchObject({ status: 401, code: 'authentication_failed' });
      expect((e as unknown as Error).message).toBe('Authorization header must be "Bearer <access token>".');
    }
    expect((await apiError(provider.authenticate(req({ authorization: 'Bearer abc' }), ctx))).code).toBe('token_not_valid');
  });

  it('a valid access token is the user until the user is deactivated (checked per user, cached briefly)', async () => {
    const t = { now: clock.t };
    const handle = await db.transaction();
    try {
      loopServices(handle, { jwtSecret: 'u'.repeat(40), now: () => t.now });
      const provider = createLoopAuthProvider({ jwtSecret: 'u'.repeat(40), now: () => t.now });
      const u = await user({ is_superuser: true }, handle);
      const pair = await loopServices(handle).tokens.issuePair(handle, { id: u.id, email: u.email, is_superuser: true });
      const ctx = requestContext(handle);
      expect(await provider.authenticate(req({ authorization: `bearer   ${pair.access}` }), ctx)).toEqual({
        userId: u.id,
        email: u.email,
        isSuperuser: true,
        via: 'jwt',
      });
      await handle('users').where({ id: u.id }).update({ is_active: false });
      expect((await provider.authenticate(req({ authorization: `Bearer ${pair.access}` }), ctx))?.userId).toBe(u.id); // cached
      t.now += 5_000;
      const e = await apiError(provider.authenticate(req({ authorization: `Bearer ${pair.access}` }), ctx));
      expect(e).toMatchObject({ status: 401, code: 'user_inactive' });
      expect((e as unknown as Error).message).toBe('User is inactive or deleted.');
    } finally {
      await handle.rollback();
    }
  });

  it('an API key wins over Authorization, and its use is audited once a minute per key and IP', async () => {
    const t = { now: clock.t };
    const handle = await db.transaction();
    try {
      loopServices(handle, { jwtSecret: 'u'.repeat(40), now: () => t.now });
      const provider = createLoopAuthProvider({ jwtSecret: 'u'.repeat(40), now: () => t.now });
      const u = await user({}, handle);
      const k = await createInternalApiKey(handle, { userId: u.id, label: 'audit', allowedCompanyIds: [] });
      const audits = async () =>
        handle('audit_logs')
          .where({ action: 'api_key_used', record_id: String(k.id) })
          .orderBy('id');
      const ctx = { ...requestContext(handle), ip: '198.51.100.1', requestId: 'req-key', appId: 'au-app' };
      const p = await provider.authenticate(req({ 'x-loop-api-key': k.key, authorization: 'Basic nonsense' }), ctx);
      expect(p).toMatchObject({ userId: u.id, via: 'api_key', keyId: k.id });
      expect(await audits()).toHaveLength(1);
      expect((await audits())[0]).toMatchObject({
        resource: 'core.internal-api-keys',
        actor_id: u.id,
        app_id: 'au-app',
        ip: '198.51.100.1',
        request_id: 'req-key',
        changes: { via: 'api_key' },
      });
      await provider.authenticate(req({ 'x-loop-api-key': k.key }), ctx);
      expect(await audits()).toHaveLength(1);
      await provider.authenticate(req({ 'x-loop-api-key': k.key }), { ...ctx, ip: '198.51.100.2' });
      expect(await audits()).toHaveLength(2);
      // Another key of the same user from the same IP is its own trace.
      const k2 = await createInternalApiKey(handle, { userId: u.id, label: 'audit-2', allowedCompanyIds: [] });
      await provider.authenticate(req({ 'x-loop-api-key': k2.key }), ctx);
      expect(await handle('audit_logs').where({ action: 'api_key_used', record_id: String(k2.id) })).toHaveLength(1);
      t.now += 60_000;
      await provider.authenticate(req({ 'x-loop-api-key': k.key }), ctx);
      expect(await audits()).toHaveLength(3);
    } finally {
      await handle.rollback();
    }
  });

  it('the environment key acts as its user and is audited without a key id', async () => {
    const handle = await db.transaction();
    try {
      const u = await user({}, handle);
      const env = { LOOP_INTERNAL_API_KEY: 'env-key-abcdefghijklmnop', LOOP_INTERNAL_API_USER_EMAIL: u.email };
      loopServices(handle, { jwtSecret: 'u'.repeat(40), env, now: () => clock.t });
      const provider = createLoopAuthProvider({ jwtSecret: 'u'.repeat(40), env, now: () => clock.t });
      const p = await provider.authenticate(req({ 'x-loop-api-key': 'env-key-abcdefghijklmnop' }), requestContext(handle));
      expect(p).toMatchObject({ userId: u.id, via: 'env_key' });
      const rows = await handle('audit_logs').where({ action: 'api_key_used', actor_id: u.id });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ record_id: null, changes: { via: 'env_key' } });
      // Another key is looked up as an internal key.
      expect(
        (await apiError(provider.authenticate(req({ 'x-loop-api-key': 'env-key-abcdefghijklmnoq' }), requestContext(handle)))).code,
      ).toBe('invalid_api_key');
    } finally {
      await handle.rollback();
    }
  });

  it('tenants, permissions and reachable companies', async () => {
    const provider = createLoopAuthProvider({ jwtSecret: 'u'.repeat(40), now: () => clock.t });
    const u = await user();
    const a = await company(u.id);
    const b = await company(u.id);
    loopServices(db).tenancy.invalidateUser(u.id);
    const anon = requestContext(db);
    expect(await provider.resolveTenant!(req({}), anon, { scope: 'global', product: null } as never)).toBeNull();
    const e = await apiError(provider.resolveTenant!(req({}), anon, { scope: 'company', product: null } as never));
    expect(e).toMatchObject({ status: 401, code: 'not_authenticated' });
    expect((e as unknown as Error).message).toBe('Authentication credentials were not provided.');
    const ctx = requestContext(db, { principal: principalOf(u) });
    const t = await provider.resolveTenant!(req({ 'x-company-id': b.company.code }), ctx, { scope: 'company', product: 'crm' } as never);
    expect(t).toMatchObject({ companyId: b.company.id, companyCode: b.company.code });
    expect(await provider.reachableCompanyIds!(anon)).toEqual([]);
    expect(await provider.reachableCompanyIds!(ctx)).toEqual([a.company.id, b.company.id]);
    const keyed = requestContext(db, { principal: principalOf(u, { allowedCompanyIds: [b.company.id] }) });
    expect(await provider.reachableCompanyIds!(keyed)).toEqual([b.company.id]);

    const tenant = (permissions: string[]): TenantContext => ({
      companyId: 1,
      companyCode: '001',
      role: 'x',
      permissions: new Set(permissions),
    });
    expect(provider.can({ ...ctx, tenant: tenant(['crm.contacts.view']) }, 'crm.contacts.view')).toBe(true);
    expect(provider.can({ ...ctx, tenant: tenant(['crm.contacts.view']) }, 'crm.contacts.add')).toBe(false);
    expect(provider.can({ ...ctx, tenant: null }, 'crm.contacts.view')).toBe(false);
    expect(provider.can({ ...anon, tenant: tenant(['crm.contacts.view']) }, 'crm.contacts.view')).toBe(true);
    expect(provider.can({ ...anon, tenant: null }, 'crm.contacts.view')).toBe(false);
    const root = requestContext(db, { principal: principalOf(u, { isSuperuser: true }) });
    expect(provider.can({ ...root, tenant: null }, 'anything')).toBe(true);
    expect(await provider.resolveApp!(req({}), ctx, { product: 'crm' } as never)).toBeNull();
  });
});

describe('POST internal-api-keys (handler)', () => {
  it('answers the key once, with the row; companies by code, deduplicated; is_active defaults to true', async () => {
    const u = await user();
    const c = await company(u.id);
    const res: any = await db.transaction((trx) =>
      createInternalApiKeyHandler(
        action(principalOf(u), { user: u.id, label: 'ui', allowed_companies: [c.company.code, c.company.code] }, trx) as never,
      ),
    );
    expect(res.status).toBe(201);
    expect(res.secret).toBe(true);
    const body = res.body as Record<string, any>;
    expect(body.key).toMatch(/^loop_[a-z0-9]{12}_/);
    expect(body).toMatchObject({ label: 'ui', is_active: true });
    const row = await db('internal_api_keys').where({ id: body.id }).first();
    expect(row).toMatchObject({ allowed_companies: [c.company.code], user_id: u.id, created_by: u.id, is_active: true });
    expect(row.key_hash).toBe(hashApiKey(body.key));
    const off: any = await db.transaction((trx) =>
      createInternalApiKeyHandler(
        action(
          null,
          { user: u.id, label: 'off', is_active: false, expires_at: new Date(clock.t), revoked_at: new Date(clock.t) },
          trx,
        ) as never,
      ),
    );
    expect(
      await db('internal_api_keys')
        .where({ id: (off.body as any).id })
        .first('is_active', 'created_by', 'allowed_companies', 'expires_at', 'revoked_at'),
    ).toEqual({
      is_active: false,
      created_by: null,
      allowed_companies: [],
      expires_at: new Date(clock.t),
      revoked_at: new Date(clock.t),
    });
  });

  it('refuses an unknown or inactive user, a non-list and unknown company codes, all at once', async () => {
    const off = await user({ is_active: false });
    const e = await apiError(
      db.transaction((trx) =>
        createInternalApiKeyHandler(action(null, { user: off.id, label: 'x', allowed_companies: ['999', '998'] }, trx) as never),
      ),
    );
    expect(e).toMatchObject({ status: 400 });
    expect((e as any).fields).toEqual({
      user: [`Invalid pk "${off.id}" - object does not exist.`],
      allowed_companies: ['Unknown company code(s): 999, 998.'],
    });
    const u = await user();
    const list = await apiError(
      db.transaction((trx) =>
        createInternalApiKeyHandler(action(null, { user: u.id, label: 'x', allowed_companies: 'abc' }, trx) as never),
      ),
    );
    expect((list as any).fields).toEqual({ allowed_companies: ['Expected a list of company codes.'] });
  });

  it('needs its resource descriptor', async () => {
    const a = action(null, {});
    await expect(createInternalApiKeyHandler({ ...a, action: { id: 'x' } } as never)).rejects.toThrow(
      'core.createInternalApiKey runs as the create operation of internal-api-keys',
    );
  });
});

describe('auth/me', () => {
  const run = (p: Principal | null): Promise<any> => db.transaction((trx) => me({ ...action(p, {}, trx) } as never));

  it('needs an active signed-in user', async () => {
    const e = await apiError(run(null));
    expect(e).toMatchObject({ status: 401, code: 'not_authenticated' });
    const off = await user({ is_active: false });
    expect(await apiError(run(principalOf(off)))).toMatchObject({ status: 401, code: 'user_inactive' });
  });

  it('lists the companies of active memberships with role, workspaces and products; a key narrows them', async () => {
    const u = await user();
    const a = await company(u.id);
    const b = await company(u.id);
    const gone = await company(u.id);
    await db('companies').where({ id: gone.company.id }).update({ is_active: false });
    // In b: a staff role, one workspace of the membership, and product access narrowed to crm.
    const [role] = await db('roles').insert({ company_id: b.company.id, name: 'staff', permissions: '[]' }).returning('id');
    const [w1] = await db('workspaces').insert({ company_id: b.company.id, name: 'B1', slug: 'b1' }).returning('id');
    await db('workspaces').insert({ company_id: b.company.id, name: 'B2', slug: 'b2' });
    await db('workspaces').insert({ company_id: b.company.id, name: 'B0', slug: 'b0', is_active: false });
    const m = await db('memberships').where({ company_id: b.company.id, user_id: u.id }).first('id');
    await db('memberships').where({ id: m.id }).update({ role_id: role.id, is_owner: false, workspace_id: w1.id });
    const crm = await db('products').where({ code: 'crm' }).first('id');
    const desk = await db('products').where({ code: 'desk' }).first('id');
    await db('product_access').insert([
      { company_id: b.company.id, membership_id: m.id, product_id: crm.id, is_enabled: true },
      { company_id: b.company.id, membership_id: m.id, product_id: desk.id, is_enabled: false },
    ]);
    await db('workspaces').insert({ company_id: a.company.id, name: 'A2', slug: 'a2' });
    await db('workspaces').insert({ company_id: a.company.id, name: 'A1', slug: 'a1', is_default: true });
    const res = await run(principalOf(u));
    const body = res.body as any;
    expect(body.user).toMatchObject({ id: u.id, email: u.email });
    expect(body.developer_profile).toBeNull();
    expect(body.companies.map((c: any) => c.code)).toEqual([a.company.code, b.company.code]);
    const [ca, cb] = body.companies;
    expect(ca).toMatchObject({ id: a.company.id, name: a.company.name, role: 'admin', is_owner: true });
    expect(ca.workspaces.map((w: any) => w.name)).toEqual(['A1', 'A2']);
    expect(ca.workspaces[0]).toEqual({ id: expect.any(Number), name: 'A1', slug: 'a1', is_default: true });
    expect(ca.products.length).toBeGreaterThan(2);
    expect(ca.products).toEqual([...ca.products].sort());
    expect(cb).toMatchObject({ role: 'staff', is_owner: false, products: ['crm'] });
    expect(cb.workspaces.map((w: any) => w.name)).toEqual(['B1']);
    const keyed = await run(principalOf(u, { allowedCompanyIds: [b.company.id] }));
    expect((keyed.body as any).companies.map((c: any) => c.id)).toEqual([b.company.id]);
    await db('developer_profiles').insert({ company_id: a.company.id, user_id: u.id, display_name: 'Dev' });
    expect(((await run(principalOf(u))).body as any).developer_profile).toMatchObject({ display_name: 'Dev' });
  });

  it('a superuser reaches every active company, with a role only where a member', async () => {
    const owner = await user();
    const theirs = await company(owner.id);
    const root = await user({ is_superuser: true });
    const body = (await run(principalOf(root, { isSuperuser: true }))).body as any;
    const seen = body.companies.find((c: any) => c.id === theirs.company.id);
    expect(seen).toMatchObject({ code: theirs.company.code, role: null, is_owner: false });
    expect(seen.products.length).toBeGreaterThan(2);
    const active = await db('companies').where({ is_active: true }).whereNull('deleted_at').count({ n: '*' }).first();
    expect(body.companies).toHaveLength(Number(active!.n));
  });
});
