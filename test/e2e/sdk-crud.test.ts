/**
 * End to end through the generated SDK against the generated LOOP server on a migrated database
 * (PGlite, or real PostgreSQL when DATABASE_URL is set): build output → migrations → server → SDK.
 * Covers issue 2's CRUD round trip on booking/services and issue 6's SDK behaviours
 * (iterate, typed validation error, restore, an action, refresh of an expired access token).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, decodeJwt } from 'jose';
import { join } from 'node:path';
import { ROOT, startTestService, type TestService } from '../helpers/test-service.ts';
import { createClient, NotFoundError, ValidationError } from '../../generated/loop/sdk/index.ts';

let svc: TestService;
const email = 'sdk-owner@example.com';
const password = 'Str0ng-passw0rd!';

beforeAll(async () => {
  svc = await startTestService('loop');
  const res = await fetch(`${svc.api}auth/register/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, username: 'sdkowner', password, company_name: 'SDK Co' }),
  });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  await svc?.close();
});

function client() {
  return createClient({ baseUrl: svc.url, companyId: '001', appId: 'loop-admin', retries: 0 });
}

describe('generated SDK against the generated server', () => {
  it('CRUD round trip on booking/services: create, list, iterate, get, patch, update, delete, restore', async () => {
    const loop = client();
    await loop.auth.login({ email, password });

    const created = await loop.booking.services.create({ name: 'Haircut', price: '25.00', duration_minutes: 30 });
    expect(created.id).toBeTypeOf('number');
    expect(created.name).toBe('Haircut');
    expect(created.price).toBe('25.00');
    for (let i = 0; i < 24; i++) await loop.booking.services.create({ name: `Service ${String(i).padStart(2, '0')}`, price: '10.00' });

    const page = await loop.booking.services.list({ ordering: 'name', page_size: 10 });
    expect(page.count).toBe(25);
    expect(page.results).toHaveLength(10);
    expect(page.results[0]!.name).toBe('Haircut');
    expect(page.next).toBeTruthy();

    const names: string[] = [];
    for await (const s of loop.booking.services.iterate({ ordering: 'name', page_size: 10 })) names.push(s.name);
    expect(names).toHaveLength(25);
    expect(names).toEqual([...names].sort());

    const searched = await loop.booking.services.list({ search: 'hair' });
    expect(searched.results.map((s) => s.id)).toEqual([created.id]);

    expect((await loop.booking.services.get(created.id)).name).toBe('Haircut');
    const patched = await loop.booking.services.patch(created.id, { duration_minutes: 45 });
    expect(patched.duration_minutes).toBe(45);
    expect(patched.name).toBe('Haircut');
    const replaced = await loop.booking.services.update(created.id, { name: 'Haircut & wash', price: '30.00' });
    expect(replaced.name).toBe('Haircut & wash');

    await loop.booking.services.delete(created.id);
    await expect(loop.booking.services.get(created.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await loop.booking.services.list({ page_size: 100 })).count).toBe(24);
    const restored = await loop.booking.services.restore(created.id);
    expect(restored.id).toBe(created.id);
    expect((await loop.booking.services.get(created.id)).name).toBe('Haircut & wash');
  });

  it('a validation error arrives as a typed ValidationError with field messages', async () => {
    const loop = client();
    await loop.auth.login({ email, password });
    // Deliberately wrong: the test checks the server's answer, not the compiler's.
    const bad = { name: '', price: 'twelve', duration_minutes: 2 } as unknown as Parameters<typeof loop.booking.services.create>[0];
    const err = await loop.booking.services.create(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).fields;
    expect(Object.keys(fields)).toEqual(expect.arrayContaining(['price', 'duration_minutes']));
    expect(fields.price?.[0]).toBeTypeOf('string');
  });

  it('an action through the SDK: booking calendar for a date range', async () => {
    const loop = client();
    await loop.auth.login({ email, password });
    const res = await loop.booking.calendar({ from: '2026-06-01', to: '2026-06-07' });
    expect(res).toBeTypeOf('object');
  });

  it('refreshes an expired access token once and carries on', async () => {
    const loop = client();
    const tokens = await loop.auth.login({ email, password });
    // Re-sign the access token with an expiry in the past: the server must answer 401 and the
    // SDK must refresh with its refresh token, then retry the request.
    const claims = decodeJwt(loop.auth.getTokens()!.access!);
    const secret = await jwtSecretOf(svc);
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 60, iat: Math.floor(Date.now() / 1000) - 1000 })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(secret));
    loop.auth.setTokens({ access: expired, refresh: loop.auth.getTokens()!.refresh! });
    const probe = await fetch(`${svc.api}booking/services/`, { headers: { authorization: `Bearer ${expired}`, 'x-company-id': '001' } });
    expect(probe.status).toBe(401);
    const page = await loop.booking.services.list();
    expect(page.count).toBeGreaterThan(0);
    expect(loop.auth.getTokens()!.access).not.toBe(expired);
    expect(tokens).toBeTruthy();
  });
});

async function jwtSecretOf(_s: TestService): Promise<string> {
  // startTestService keeps this process's data dir (and so the generated JWT secret) here.
  const { loadJwtSecret } = await import('../../runtime/security/jwt-secret.ts');
  return loadJwtSecret({ dataDir: join(ROOT, '.loopgen', 'test-data', `loop-${process.pid}`) });
}
