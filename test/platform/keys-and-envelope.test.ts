/**
 * Platform through the generated server: envelope and error shapes, scoped keys (403 on a missing
 * scope), key lifecycle (expiry, revoke, rotate, IP allowlist), tenant isolation, end-user auth.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let acme: ReturnType<typeof client>;
let other: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startTestService('platform');
  acme = client(svc, await adminKey(svc, 'acme'));
  other = client(svc, await adminKey(svc, 'globex'));
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

async function keyWith(scopes: string[], extra: Record<string, unknown> = {}) {
  const r = await acme('POST', 'keys', { label: scopes.join('+'), scopes, ...extra });
  expect(r.status).toBe(201);
  return { id: r.body.data.key.id as string, call: client(svc, r.body.data.token as string) };
}

describe('platform envelope and errors', () => {
  it('/health answers in the envelope with the fields seed 002 lists', async () => {
    const res = await fetch(`${svc.url}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ success: true, data: { status: 'ok', service: 'platform' } });
    for (const k of ['version', 'timestamp', 'region', 'uptime']) expect(body.data).toHaveProperty(k);
    expect(body.request_id).toEqual(expect.any(String));
  });

  it('wraps success bodies and list pages', async () => {
    const created = await acme('POST', 'roles', { name: 'editor', description: 'Edits' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ success: true, data: { name: 'editor' } });
    expect(created.body.request_id).toEqual(expect.any(String));
    expect(created.body.data.id).toMatch(/^role_/);
    // The platform API document lists roles as a plain array (spec/platform/roles.yaml `list_shape: array`).
    const list = await acme('GET', 'roles');
    expect(list.body.success).toBe(true);
    expect(list.body.data.map((r: any) => r.name)).toEqual(['editor']);
    // Short URLs keep the page `{results, total, next_cursor}`.
    await acme('POST', 'short-urls', { url: 'https://example.com/page' });
    const page = await acme('GET', 'short-urls');
    expect(page.body).toMatchObject({ success: true, data: { total: 1, next_cursor: null } });
    const del = await acme('DELETE', `roles/${created.body.data.id}`);
    expect(del.status).toBe(200);
    // A delete says what it deleted, as the platform API document shows: `{ id, deleted: true }`.
    expect(del.body).toMatchObject({ success: true, data: { id: created.body.data.id, deleted: true } });
  });

  it('renders errors as {success:false, error:{code,message}, request_id}', async () => {
    const missing = await acme('GET', 'roles/role_nothere');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({
      success: false,
      error: { code: 'NOT_FOUND', message: expect.any(String) },
      request_id: expect.any(String),
    });
    const anon = await fetch(`${svc.api}roles`);
    expect(anon.status).toBe(401);
    expect((await anon.json()).success).toBe(false);
    const bad = await acme('POST', 'object-types', { name: 'Not Valid!' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_ERROR');
    const route = await acme('GET', 'no-such-thing');
    expect(route.body.error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('scoped API keys', () => {
  it('a read key reads but may not write or change schema (403)', async () => {
    const { call } = await keyWith(['read']);
    expect((await call('GET', 'object-types')).status).toBe(200);
    const write = await call('POST', 'roles', { name: 'x' });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('FORBIDDEN');
    expect((await call('POST', 'object-types', { name: 'things' })).status).toBe(403);
    expect((await call('GET', 'keys')).status).toBe(403);
  });

  it('a schema key creates object types; a write key does not', async () => {
    expect((await (await keyWith(['schema'])).call('POST', 'object-types', { name: 'schema_made' })).status).toBe(201);
    expect((await (await keyWith(['write'])).call('POST', 'object-types', { name: 'write_made' })).status).toBe(403);
  });

  it('rejects unknown scopes', async () => {
    const r = await acme('POST', 'keys', { label: 'bad', scopes: ['root'] });
    expect(r.status).toBe(400);
  });

  it('never shows the key hash; the token only once', async () => {
    const list = await acme('GET', 'keys');
    const row = list.body.data[0];
    expect(row).not.toHaveProperty('key_hash');
    expect(row).not.toHaveProperty('token');
    expect(row.prefix).toMatch(/^.{8}$/);
  });

  it('revoked and expired keys get 401', async () => {
    const { id, call } = await keyWith(['read']);
    expect((await acme('DELETE', `keys/${id}`)).status).toBe(200);
    const r = await call('GET', 'object-types');
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('INVALID_API_KEY');
    const expired = await keyWith(['read'], { expires_at: '2000-01-01T00:00:00Z' });
    expect((await expired.call('GET', 'object-types')).body.error.code).toBe('API_KEY_EXPIRED');
  });

  it('rotate revokes the old key and returns a working new token', async () => {
    const { id, call } = await keyWith(['read']);
    const r = await acme('POST', `keys/${id}/rotate`, { label: 'rotated' });
    expect(r.status).toBe(200);
    expect(r.body.data.old_key.revoked_at).not.toBeNull();
    expect(r.body.data.new_key.label).toBe('rotated');
    expect((await call('GET', 'object-types')).status).toBe(401);
    expect((await client(svc, r.body.data.token)('GET', 'object-types')).status).toBe(200);
  });

  it('an IP allowlist that excludes the caller gives 403', async () => {
    const blocked = await keyWith(['read'], { ip_allowlist: ['10.0.0.0/8'] });
    expect((await blocked.call('GET', 'object-types')).body.error.code).toBe('IP_NOT_ALLOWED');
    const local = await keyWith(['read'], { ip_allowlist: ['127.0.0.0/8'] });
    expect((await local.call('GET', 'object-types')).status).toBe(200);
  });
});

describe('tenant isolation', () => {
  it("one tenant never sees or changes another tenant's rows", async () => {
    const role = await acme('POST', 'roles', { name: 'acme-only' });
    const type = await acme('POST', 'object-types', { name: 'secrets' });
    expect((await other('GET', 'roles')).body.data).toEqual([]);
    expect((await other('GET', `roles/${role.body.data.id}`)).status).toBe(404);
    expect((await other('PATCH', `roles/${role.body.data.id}`, { name: 'stolen' })).status).toBe(404);
    expect((await other('DELETE', `object-types/${type.body.data.id}`)).status).toBe(404);
    expect((await other('POST', `objects/${type.body.data.id}`, { properties: {} })).status).toBe(404);
    // Same name in another tenant is fine: names are unique per tenant.
    expect((await other('POST', 'object-types', { name: 'secrets' })).status).toBe(201);
  });
});

describe('end-user auth', () => {
  it('sign up, use the access token, refresh, log out', async () => {
    const up = await acme('POST', 'auth/signup', { email: 'Jane@Example.com', password: 'correct-horse' });
    expect(up.status).toBe(201);
    expect(up.body.data).toMatchObject({ token_type: 'bearer', user: { email: 'jane@example.com' } });
    expect((await acme('POST', 'auth/login', { email: 'jane@example.com', password: 'wrong-password' })).status).toBe(401);
    const login = await acme('POST', 'auth/login', { email: 'jane@example.com', password: 'correct-horse' });
    const jane = client(svc, login.body.data.access_token);
    expect((await jane('GET', 'auth/user')).body.data.email).toBe('jane@example.com');
    // End users hold read/write, not auth: the admin user list is closed to them.
    expect((await jane('GET', 'users')).status).toBe(403);
    const refreshed = await acme('POST', 'auth/refresh', { refresh_token: login.body.data.refresh_token });
    expect(refreshed.status).toBe(200);
    expect((await acme('POST', 'auth/refresh', { refresh_token: login.body.data.refresh_token })).status).toBe(401);
    // The refresh revoked the session the first access token belongs to.
    expect((await jane('GET', 'auth/user')).status).toBe(401);
    // The user belongs to acme only.
    expect((await other('POST', 'auth/login', { email: 'jane@example.com', password: 'correct-horse' })).status).toBe(401);
  });
});
