/**
 * RoomLoop over HTTP through the generated server (generated/roomloop, started by
 * runtime/serve/start-service.ts): the seed's example request and response, the error body, roles,
 * facility filters and availability. When DATABASE_URL is set it also runs the 50-way race over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startService, type StartedService } from '../../runtime/serve/start-service.ts';
import { createRoomloopKey } from '../../runtime/roomloop/auth/api-keys.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { usingPostgres } from './helpers/test-db.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let svc: StartedService;
let adminKey: string;
let teacherKey: string;
const schema = `rl_http_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  process.env.ROOMLOOP_WEBHOOK_WORKER = 'off';
  svc = await startService({ root: ROOT, service: 'roomloop', dataDir: ':memory:', schema });
  setClock(() => new Date('2026-06-08T09:14:00Z'));
  adminKey = (await createRoomloopKey(svc.db, { role: 'admin' })).key;
  const [acc] = await svc.db(T.accounts).insert({ id: 'usr_http1', email: 'http@school.test', name: 'Http Teacher', department: 'Science', role: 'teacher' }).returning('id');
  teacherKey = (await createRoomloopKey(svc.db, { role: 'teacher', accountId: acc.id })).key;
}, 120_000);
afterAll(async () => {
  setClock(null);
  if (usingPostgres) await svc?.db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
  await svc?.close();
});

async function api(method: string, path: string, key: string | null, body?: unknown) {
  const res = await fetch(`${svc.url}/v1/${path}`, {
    method,
    headers: { ...(key ? { Authorization: `Bearer ${key}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

const SEED_REQUEST = { facility_id: 'f1', date: '2026-06-10', start_slot: 2, end_slot: 3, purpose: 'Grade 10 Chemistry — titration lab' };

describe('RoomLoop over HTTP', () => {
  it('seed 001 example: POST /v1/reservations → 201 with the seed’s fields', async () => {
    const r = await api('POST', 'reservations', adminKey, SEED_REQUEST);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'confirmed',
      facility: { id: 'f1', name: 'STEM Lab Alpha' },
      date: '2026-06-10',
      slots: ['10:00–10:50', '11:00–11:50'],
      created_at: '2026-06-08T09:14:00Z',
    });
    expect(r.body.id).toMatch(/^res_/);
    expect(r.headers.get('x-ratelimit-limit')).toBeTruthy();
  });
  it('the same slot again is 409 slot_conflict with rule R-03 in the error body', async () => {
    const r = await api('POST', 'reservations', teacherKey, { ...SEED_REQUEST, start_slot: 3, end_slot: 4 });
    expect(r.status).toBe(409);
    expect(r.body).toEqual({ error: { code: 'slot_conflict', message: expect.any(String), rule: 'R-03' } });
  });
  it('rule refusals are 422 rule_violation naming the rule', async () => {
    const r = await api('POST', 'reservations', teacherKey, { ...SEED_REQUEST, facility_id: 'f4' });
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'rule_violation', rule: 'R-01' });
  });
  it('bad body is 400 validation_error; no token is 401; a teacher patching a facility is 403', async () => {
    expect((await api('POST', 'reservations', teacherKey, { facility_id: 'f1' })).body.error.code).toBe('validation_error');
    expect((await api('GET', 'facilities', null)).status).toBe(401);
    const p = await api('PATCH', 'facilities/f1', teacherKey, { status: 'closed' });
    expect(p.status).toBe(403);
    expect(p.body.error.code).toBe('forbidden');
    expect((await api('DELETE', 'reservations/res_nope', teacherKey)).status).toBe(403);
  });
  it('facilities: filters, retrieve, availability', async () => {
    const list = await api('GET', 'facilities?type=lab', teacherKey);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain('STEM Lab Alpha');
    expect(JSON.stringify(list.body)).not.toContain('Main Gym');
    const one = await api('GET', 'facilities/f1', teacherKey);
    expect(one.body).toMatchObject({ id: 'f1', name: 'STEM Lab Alpha', capacity: 28 });
    const av = await api('GET', 'facilities/f1/availability?date=2026-06-10', teacherKey);
    expect(av.status).toBe(200);
    expect(av.body.slots.map((s: { status: string }) => s.status)).toEqual(['free', 'taken', 'taken', 'free', 'free', 'free', 'free']);
    expect(av.body.slots[1].taken_by).toBeUndefined();
  });
  it('admin patches a facility, lists and cancels reservations', async () => {
    expect((await api('PATCH', 'facilities/f2', adminKey, { capacity: 100 })).body).toMatchObject({ capacity: 100 });
    const list = await api('GET', 'reservations?facility_id=f1&from=2026-06-10&to=2026-06-10', adminKey);
    expect(list.body.data).toHaveLength(1);
    const id = list.body.data[0].id;
    expect((await api('PATCH', `reservations/${id}`, adminKey, { status: 'cancelled' })).body.status).toBe('cancelled');
    expect((await api('PATCH', `reservations/${id}`, adminKey, { status: 'confirmed' })).body.error.rule).toBe('R-12');
    expect((await api('DELETE', `reservations/${id}`, adminKey)).status).toBe(204);
  });

  it.skipIf(!usingPostgres)('50 simultaneous POSTs for one slot: one 201, 49 × 409 slot_conflict, one row (needs DATABASE_URL)', async () => {
    const body = { ...SEED_REQUEST, date: '2026-06-11', start_slot: 5, end_slot: 5 };
    const results = await Promise.all(Array.from({ length: 50 }, () => api('POST', 'reservations', adminKey, body)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(49);
    for (const c of conflicts) expect(c.body.error).toMatchObject({ code: 'slot_conflict', rule: 'R-03' });
    expect(await svc.db(T.reservationSlots).where({ facility_id: 'f1', date: '2026-06-11', slot: 5 })).toHaveLength(1);
  });
});
