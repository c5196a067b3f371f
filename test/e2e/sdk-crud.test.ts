/**
 * End to end through the generated SDK against the generated LOOP server on a migrated database
 * (PGlite, or real PostgreSQL when DATABASE_URL is set): build output → migrations → server → SDK.
 * Covers the CRUD round trip on booking/services and the SDK's behaviours
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
    const service = await loop.booking.services.create({ name: 'Colour', price: '50.00', duration_minutes: 60, buffer_minutes: 15 });
    const staff = await loop.booking.staff.create({ full_name: 'Zed Calendar', working_hours: { mon: [['09:00', '17:00']] } });
    const customer = await loop.booking.customers.create({ first_name: 'Ana', last_name: 'Calendar' });
    const book = (starts_at: string, ends_at: string, status: 'confirmed' | 'cancelled' | 'pending', withStaff = true) =>
      loop.booking.appointments.create({
        service: service.id,
        customer: customer.id,
        staff: withStaff ? staff.id : null,
        starts_at,
        ends_at,
        status,
      });
    const held = await book('2026-06-01T10:00:00Z', '2026-06-01T11:00:00Z', 'confirmed');
    const cancelled = await book('2026-06-01T14:00:00Z', '2026-06-01T14:30:00Z', 'cancelled');
    const unassigned = await book('2026-06-02T09:00:00Z', '2026-06-02T09:30:00Z', 'pending', false);
    await book('2026-06-08T10:00:00Z', '2026-06-08T11:00:00Z', 'confirmed'); // outside the range

    const line = (a: { id: number }, starts_at: string, ends_at: string, status: string) => ({
      id: a.id,
      starts_at,
      ends_at,
      status,
      service: service.id,
      service_name: 'Colour',
      customer: customer.id,
      customer_name: 'Ana Calendar',
    });
    const res = await loop.booking.calendar({ from: '2026-06-01', to: '2026-06-02' });
    expect(res).toEqual({
      from: '2026-06-01',
      to: '2026-06-02',
      timezone: 'UTC',
      total: 3,
      days: [
        {
          date: '2026-06-01',
          total: 2,
          staff: [
            {
              staff: staff.id,
              staff_name: 'Zed Calendar',
              appointments: [
                line(held, '2026-06-01T10:00:00.000Z', '2026-06-01T11:00:00.000Z', 'confirmed'),
                line(cancelled, '2026-06-01T14:00:00.000Z', '2026-06-01T14:30:00.000Z', 'cancelled'),
              ],
              // The service's 15-minute buffer is busy time; the cancelled appointment holds none.
              busy: [{ start: '10:00', end: '11:15' }],
              free: [
                { start: '09:00', end: '10:00' },
                { start: '11:15', end: '17:00' },
              ],
            },
          ],
        },
        {
          date: '2026-06-02',
          total: 1,
          staff: [
            // No Tuesday hours recorded: not working, so no free time.
            { staff: staff.id, staff_name: 'Zed Calendar', appointments: [], busy: [], free: [] },
            {
              staff: null,
              staff_name: null,
              appointments: [line(unassigned, '2026-06-02T09:00:00.000Z', '2026-06-02T09:30:00.000Z', 'pending')],
              busy: [{ start: '09:00', end: '09:45' }],
              free: [],
            },
          ],
        },
      ],
    });
    // A status filter narrows what is listed, never the busy time the staff member really has.
    const onlyCancelled = await loop.booking.calendar({ from: '2026-06-01', to: '2026-06-01', status: 'cancelled' });
    expect(onlyCancelled.total).toBe(1);
    const lane = (onlyCancelled.days as { staff: { appointments: { id: number }[]; busy: unknown }[] }[])[0]!.staff[0]!;
    expect(lane.appointments.map((a) => a.id)).toEqual([cancelled.id]);
    expect(lane.busy).toEqual([{ start: '10:00', end: '11:15' }]);
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
