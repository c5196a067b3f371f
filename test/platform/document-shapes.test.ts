/**
 * Answers shaped as the platform API document shows them: list shapes from the catalogue (`list_shape:`),
 * the bodies of logout, events, error reports, short URLs, keys, sessions and the public form, public
 * tenant ids with no tenancy columns, and the endpoints the document serves with a JSON body as POST.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'shapes-co'));
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

it('lists answer a plain array, a named list or a page, as the catalogue says', async () => {
  await call('POST', 'roles', { name: 'viewer' });
  const roles = await call('GET', 'roles');
  expect(roles.body.data.map((r: any) => r.name)).toEqual(['viewer']);
  expect(Array.isArray((await call('GET', 'keys')).body.data)).toBe(true);
  expect((await call('GET', 'users')).body.data).toEqual({ users: [], total: 0 });
  expect((await call('GET', 'audit-logs')).body.data).toMatchObject({ logs: expect.any(Array), total: expect.any(Number) });
  expect((await call('GET', 'events/list')).body.data).toEqual({ events: [], total: 0 });
  expect((await call('GET', 'short-urls')).body.data).toMatchObject({ results: [], total: 0, next_cursor: null });
  // The OpenAPI document describes the same shapes.
  const doc = await (await fetch(`${svc.url}/docs/openapi.json`)).json();
  const listSchema = (path: string) => doc.paths[path].get.responses['200'].content['application/json'].schema;
  const resolve = (s: any) => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
  expect(resolve(listSchema('/roles')).properties.data.type).toBe('array');
  expect(resolve(listSchema('/users')).properties.data.required).toEqual(['users', 'total']);
});

it('tenant ids are public tn_ ids; tenancy columns never reach the wire', async () => {
  const created = await call('POST', 'short-urls', { url: 'https://example.com/a' });
  expect(created.status).toBe(201);
  expect(created.body.data).not.toHaveProperty('company');
  expect(created.body.data).not.toHaveProperty('workspace');
  expect(created.body.data).not.toHaveProperty('workspace_id');
  const usage = (await call('GET', 'usage')).body.data;
  expect(usage.tenant_id).toMatch(/^tn_[0-9a-z]{6,}$/);
  const type = (await call('POST', 'object-types', { name: 'shape_things' })).body.data;
  expect(type.tenant_id).toBe(usage.tenant_id);
  const [role] = (await call('GET', 'roles')).body.data;
  expect(role).not.toHaveProperty('company');
  expect(role).not.toHaveProperty('workspace');
  // An internal column in the body is never written: refused, not a server error.
  const sneaky = await call('POST', 'short-urls', { workspace: 1, url: 'https://example.com' });
  expect(sneaky.status).toBe(400);
});

it('bodies: short-url delete, events, error reports, keys, forms', async () => {
  const su = (await call('POST', 'short-urls', { slug: 'gone-soon', url: 'https://example.com/g' })).body.data;
  expect(su.slug).toBe('gone-soon');
  expect((await call('DELETE', 'short-urls/gone-soon')).body.data).toEqual({ slug: 'gone-soon', deleted: true });
  expect((await call('POST', 'events', { event_type: 'signup', data: { plan: 'pro' } })).body.data).toEqual({ tracked: true });
  const err = await call('POST', 'errors/report', { message: 'boom', level: 'error' });
  expect(err.status).toBe(201);
  expect(Object.keys(err.body.data)).toEqual(['error_id']);
  const key = await call('POST', 'keys', { label: 'ci', scopes: ['read'] });
  expect(key.status).toBe(201);
  expect(Object.keys(key.body.data).sort()).toEqual(['key', 'token']);
  expect(key.body.data.key).not.toHaveProperty('key_hash');
  const noName = await call('POST', 'forms', {});
  expect(noName.status).toBe(400);
  expect(noName.body.error.fields).toHaveProperty('name');
});

it('the public form carries form_id, object_type_id, branding and require_captcha', async () => {
  await call('PATCH', 'branding', { primary_color: '#123456' });
  const form = (await call('POST', 'forms', { name: 'Contact', object_type_id: 'shape_things', settings: { require_captcha: true } })).body
    .data;
  expect(form.status).toBe('active');
  const tenant = (await call('GET', 'usage')).body.data.tenant_id;
  const res = await fetch(`${svc.api}forms/${form.id}?tenant_id=${tenant}`);
  const body = (await res.json()).data;
  expect(body).toMatchObject({ form_id: form.id, name: 'Contact', object_type_id: 'shape_things', require_captcha: true });
  expect(body.branding).toEqual(expect.any(Object));
  expect((await fetch(`${svc.api}forms/${form.id}?tenant_id=tn_zzzzzz`)).status).toBe(404);
});

it('endpoints with a JSON body are POST; GET upload-url reserves nothing; lookup by email works', async () => {
  const before = (await call('GET', 'usage')).body.data;
  const get = await call('GET', 'files/upload-url?filename=x.txt');
  expect(get.status).toBeGreaterThanOrEqual(400);
  expect(get.status).toBeLessThan(500);
  const slot = await call('POST', 'files/upload-url', { filename: 'x.txt', mime_type: 'text/plain' });
  expect(slot.body.data.file_id).toMatch(/^file_/);
  const lookup = await fetch(`${svc.api}tenants/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'nobody@example.com' }),
  });
  expect(lookup.status).toBe(200);
  expect((await lookup.json()).data).toEqual([]);
  await call('POST', 'users', { email: 'findme@example.com', password: 'correct horse battery' });
  const found = await fetch(`${svc.api}tenants/lookup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'findme@example.com' }),
  });
  expect((await found.json()).data).toEqual([{ tenant_id: before.tenant_id, brand_name: expect.any(String) }]);
  expect((await call('POST', 'files/search', { mime_type: 'text/' })).status).toBe(200);
});

it('sessions carry last_active_at and the request user agent; logout answers a message', async () => {
  const email = 'sess@example.com';
  await call('POST', 'auth/signup', { email, password: 'correct horse battery' });
  const key = (await call('POST', 'keys', { label: 'auth', scopes: ['auth'] })).body.data.token;
  const login = await fetch(`${svc.api}auth/login`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'user-agent': 'ShapesTest/1.0' },
    body: JSON.stringify({ email, password: 'correct horse battery' }),
  });
  const tokens = (await login.json()).data;
  const user = client(svc, tokens.access_token);
  const sessions = (await user('GET', 'auth/sessions')).body.data;
  expect(sessions).toEqual(
    expect.arrayContaining([expect.objectContaining({ user_agent: 'ShapesTest/1.0', last_active_at: expect.any(String) })]),
  );
  const out = await user('POST', 'auth/logout', { refresh_token: tokens.refresh_token });
  expect(out.body.data).toEqual({ message: expect.any(String) });
});
