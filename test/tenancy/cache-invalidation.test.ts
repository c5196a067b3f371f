/**
 * Tenancy answers are cached for a few seconds, but writes through the generic CRUD to the tables
 * they come from (memberships, roles, …) drop the cache at once: through the LOOP server, a member
 * suspended with `PATCH memberships/{id}/` is refused on the very next request, and a role that loses
 * a permission stops granting it on the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';

let svc: TestService;
const password = 'Str0ng-passw0rd!';
let owner: Record<string, string>;
let member: Record<string, string>;
let memberId: number;

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(`${svc.api}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? null : await res.json()) as any };
}

async function signUp(name: string, company: string): Promise<{ id: number; access: string }> {
  const email = `${name}@tenancy-cache.test`;
  const reg = await call('POST', 'auth/register/', {}, { email, username: name, password, company_name: company });
  expect(reg.status, JSON.stringify(reg.body)).toBe(201);
  const login = await call('POST', 'auth/login/', {}, { email, password });
  expect(login.status).toBe(200);
  return { id: Number(reg.body.user?.id ?? (await svc.db('users').where({ email }).first('id')).id), access: login.body.access };
}

beforeAll(async () => {
  svc = await startTestService('loop');
  const o = await signUp('cacheowner', 'Owner Co'); // company 001
  const m = await signUp('cachemember', 'Member Co'); // company 002
  memberId = m.id;
  owner = { Authorization: `Bearer ${o.access}`, 'X-Company-ID': '001' };
  member = { Authorization: `Bearer ${m.access}`, 'X-Company-ID': '001' };
}, 120_000);
afterAll(async () => {
  await svc?.close();
});

describe('tenancy caches are invalidated by CRUD writes', () => {
  let roleId: number;
  let membershipId: number;

  it('a role losing a permission stops granting it on the next request', async () => {
    const role = await call('POST', 'roles/', owner, { name: 'viewer', permissions: ['booking.services.view', 'core.memberships.view'] });
    expect(role.status, JSON.stringify(role.body)).toBe(201);
    roleId = role.body.id;
    const ms = await call('POST', 'memberships/', owner, { user: memberId, role: roleId, status: 'active' });
    expect(ms.status, JSON.stringify(ms.body)).toBe(201);
    membershipId = ms.body.id;

    // These requests load (and cache) the member's membership and permissions in company 001.
    expect((await call('GET', 'booking/services/', member)).status).toBe(200);
    expect((await call('GET', 'booking/services/', member)).status).toBe(200);

    const patched = await call('PATCH', `roles/${roleId}/`, owner, { permissions: ['core.memberships.view'] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await call('GET', 'booking/services/', member)).status).toBe(403);
  });

  it('a membership suspended through PATCH memberships/{id}/ is refused on the very next request', async () => {
    // Warm the cache again: the member still reaches company 001.
    expect((await call('GET', 'memberships/', member)).status).toBe(200);
    expect((await call('GET', 'memberships/', member)).status).toBe(200);

    const suspended = await call('PATCH', `memberships/${membershipId}/`, owner, { status: 'suspended' });
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(200);
    expect(suspended.body.status).toBe('suspended');

    const next = await call('GET', 'memberships/', member);
    expect(next.status).toBe(403);
    expect(next.body.code).toBe('company_access_denied');
    // The member's own company is unaffected.
    expect((await call('GET', 'memberships/', { ...member, 'X-Company-ID': '002' })).status).toBe(200);
  });
});
