/**
 * RoomLoop over HTTP through the generated server (generated/roomloop, started by
 * runtime/serve/start-service.ts): the example request and response of docs/api/roomloop-api.txt, the error body, roles,
 * facility filters and availability. When DATABASE_URL is set it also runs the 50-way race over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { deliverDue } from '../../runtime/roomloop/webhooks/delivery-worker.ts';
import { createRoomloopKey } from '../../runtime/roomloop/auth/api-keys.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { usingPostgres } from './helpers/test-db.ts';
import { startRoomloopHttp, type RoomloopHttp } from './helpers/http-service.ts';

let http: RoomloopHttp;
let svc: RoomloopHttp['svc'];
let adminKey: string;
let teacherKey: string;

beforeAll(async () => {
  http = await startRoomloopHttp();
  ({ svc, adminKey } = http);
  const [acc] = await svc
    .db(T.accounts)
    .insert({ id: 'usr_http1', email: 'http@school.test', name: 'Http Teacher', department: 'Science', role: 'teacher' })
    .returning('id');
  teacherKey = (await createRoomloopKey(svc.db, { role: 'teacher', accountId: acc.id })).key;
}, 240_000);
afterAll(async () => {
  await http?.close();
});

const api = (method: string, path: string, key: string | null, body?: unknown) => http.api(method, path, key, body);

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
    // Names the facility, the date and only the slot already taken (slot 3; slot 4 was free).
    expect(r.body).toEqual({
      error: { code: 'slot_conflict', message: 'STEM Lab Alpha is already booked on 2026-06-10 (11:00–11:50).', rule: 'R-03' },
    });
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

  it('accounts: multipart bulk CSV is all-or-nothing; create and list', async () => {
    const upload = async (csv: string) => {
      const form = new FormData();
      form.append('file', new Blob([csv], { type: 'text/csv' }), 'staff.csv');
      const res = await fetch(`${svc.url}/v1/accounts/bulk`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminKey}` },
        body: form,
      });
      return { status: res.status, body: await res.json() };
    };
    const bad = await upload('email,name\ngood@school.test,Good\nbad,Bad\n');
    expect(bad.status).toBe(400);
    expect(bad.body.error.rows).toEqual([{ line: 3, errors: [expect.stringContaining('not a valid email')] }]);
    expect((await api('GET', 'accounts?department=Music', adminKey)).body.data ?? []).toHaveLength(0);
    const ok = await upload('email,name,department\ngood@school.test,Good,Music\n');
    expect(ok.status).toBe(201);
    const created = await api('POST', 'accounts', adminKey, { email: 'one@school.test', name: 'One', department: 'Music' });
    expect(created.status).toBe(201);
    const list = await api('GET', 'accounts?department=Music', adminKey);
    expect(JSON.stringify(list.body)).toContain('good@school.test');
    expect(JSON.stringify(list.body)).toContain('one@school.test');
    expect((await api('GET', 'accounts', teacherKey)).status).toBe(403);
  });
  it('webhooks: register returns the secret once, and that secret verifies the signature of a real delivery', async () => {
    const r = await api('POST', 'webhooks', adminKey, { url: 'https://example.test/hook', events: ['reservation.*'] });
    expect(r.status).toBe(201);
    expect(r.body.secret).toMatch(/^whsec_/);
    expect((await svc.db(T.webhooks).where({ id: r.body.id }).first()).secret).not.toContain(r.body.secret.slice(6));

    const booked = await api('POST', 'reservations', adminKey, {
      ...SEED_REQUEST,
      facility_id: 'f2',
      date: '2026-06-12',
      start_slot: 1,
      end_slot: 1,
    });
    expect(booked.status).toBe(201);
    const sent: { url: string; headers: Record<string, string>; body: string }[] = [];
    const capture = (async (url: string, init: RequestInit) => {
      sent.push({ url, headers: init.headers as Record<string, string>, body: String(init.body) });
      return new Response('ok', { status: 200 });
    }) as unknown as typeof fetch;
    expect(await deliverDue(svc.db, { fetch: capture })).toBeGreaterThanOrEqual(1);
    const mine = sent.filter((s) => s.url === 'https://example.test/hook');
    expect(mine).toHaveLength(1);
    const { headers, body } = mine[0]!;
    expect(headers['RoomLoop-Event']).toBe('reservation.created');
    expect(JSON.parse(body)).toMatchObject({ type: 'reservation.created', data: { id: booked.body.id } });
    // Receiver-side check written independently of runtime/effects/webhooks/signature.ts.
    const { t, v1 } = Object.fromEntries(headers['RoomLoop-Signature']!.split(',').map((kv) => kv.split('=') as [string, string]));
    expect(Number(t)).toBe(Date.parse('2026-06-08T09:14:00Z') / 1000);
    expect(v1).toBe(createHmac('sha256', r.body.secret).update(`${t}.${body}`).digest('hex'));
    expect(v1).not.toBe(createHmac('sha256', `${r.body.secret}x`).update(`${t}.${body}`).digest('hex'));
  });
  it('reports: usage and the CSV export over HTTP', async () => {
    expect((await api('GET', 'reports/usage?from=2026-06-01&to=2026-06-30', adminKey)).body).toHaveProperty('by_facility');
    // The exact path of docs/api/roomloop-api.txt: GET /v1/reports/export.csv.
    const res = await fetch(`${svc.url}/v1/reports/export.csv?from=2026-06-01&to=2026-06-30`, {
      headers: { Authorization: `Bearer ${adminKey}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect((await res.text()).split('\n')[0]).toBe(
      'id,date,facility_id,facility,start_slot,end_slot,slots,status,user_id,user_email,purpose,created_at',
    );
  });

  it.skipIf(!usingPostgres)(
    '50 simultaneous POSTs for one slot: one 201, 49 × 409 slot_conflict, one row (needs DATABASE_URL)',
    async () => {
      const body = { ...SEED_REQUEST, date: '2026-06-11', start_slot: 5, end_slot: 5 };
      const results = await Promise.all(Array.from({ length: 50 }, () => api('POST', 'reservations', adminKey, body)));
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      const conflicts = results.filter((r) => r.status === 409);
      expect(conflicts).toHaveLength(49);
      for (const c of conflicts) expect(c.body.error).toMatchObject({ code: 'slot_conflict', rule: 'R-03' });
      expect(await svc.db(T.reservationSlots).where({ facility_id: 'f1', date: '2026-06-11', slot: 5 })).toHaveLength(1);
    },
  );
});
