/** attendance/sessions/{id}/qr-token/, attendance/qr-check-in/ and attendance/reports/ through the generated server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, signUp } from './loop-client.ts';

let svc: TestService;
let c: LoopClient;
let other: LoopClient;
let live: any;

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const token = async (session: any, body: Record<string, unknown> = {}) => {
  const r = await c.post(`attendance/sessions/${session.id}/qr-token/`, body);
  if (r.status !== 200) throw new Error(`qr-token ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.qr_token as string;
};

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'att');
  other = await signUp(svc, 'attother');
  live = await create(c, 'attendance/sessions/', { title: 'Standup', starts_at: inAnHour(), expected_count: 4 });
}, 60_000);
afterAll(async () => svc?.close());

describe('QR token and check-in', () => {
  it('issues a signed token that never shows the secret', async () => {
    const r = await c.post(`attendance/sessions/${live.id}/qr-token/`, { ttl_seconds: 120 });
    expect(r.status).toBe(200);
    expect(r.body.session).toBe(live.id);
    expect(r.body.qr_token.length).toBeLessThanOrEqual(64);
    expect(Date.parse(r.body.expires_at)).toBeGreaterThan(Date.now());
    const s = await c.get(`attendance/sessions/${live.id}/`);
    expect(s.body.qr_token).toBe(r.body.qr_token);
    expect(s.body).not.toHaveProperty('qr_secret');
  });

  it('records attendance once (the signed-in member), 409 the second time', async () => {
    const t = await token(live);
    const r = await c.post('attendance/qr-check-in/', { qr_token: t, latitude: '-1.95', longitude: '30.06' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ session: live.id, method: 'qr', status: 'present' });
    expect(r.body.membership).toEqual(expect.any(Number));
    expect(r.body.person_name.length).toBeGreaterThan(0);
    const again = await c.post('attendance/qr-check-in/', { qr_token: t });
    expect(again.status).toBe(409);
    const kiosk = await c.post('attendance/qr-check-in/', { qr_token: t, person_name: 'Visitor', person_code: 'V-1' });
    expect(kiosk.status).toBe(201);
    expect((await c.post('attendance/qr-check-in/', { qr_token: t, person_name: 'Someone', person_code: 'V-1' })).status).toBe(409);
    const audit = await svc.db('audit_logs').where({ company_id: c.companyId, action: 'qr-check-in' }).count({ n: '*' }).first();
    expect(Number(audit!.n)).toBe(2);
  });

  it('marks late arrivals', async () => {
    const s = await create(c, 'attendance/sessions/', {
      title: 'Started',
      starts_at: new Date(Date.now() - 3_600_000).toISOString(),
      late_after_minutes: 5,
    });
    const r = await c.post('attendance/qr-check-in/', { qr_token: await token(s), person_name: 'Late Larry' });
    expect(r.body.status).toBe('late');
  });

  it('rejects tampered, foreign, malformed and expired tokens', async () => {
    const t = await token(live);
    const [id, exp, sig] = t.split('.');
    const flipped = sig!.slice(0, -2) + (sig!.endsWith('AA') ? 'BB' : 'AA');
    expect((await c.post('attendance/qr-check-in/', { qr_token: `${id}.${exp}.${flipped}`, person_name: 'X' })).status).toBe(404);
    // A later expiry with the old signature does not verify.
    expect(
      (await c.post('attendance/qr-check-in/', { qr_token: `${id}.${(parseInt(exp!, 36) + 1).toString(36)}.${sig}`, person_name: 'X' }))
        .status,
    ).toBe(404);
    expect((await other.post('attendance/qr-check-in/', { qr_token: t, person_name: 'X' })).status).toBe(404);
    expect((await c.post('attendance/qr-check-in/', { qr_token: 'hello', person_name: 'X' })).status).toBe(400);
    expect((await c.post('attendance/qr-check-in/', {})).status).toBe(400);
    // An expired token, signed with the session's real key (no waiting on the clock).
    const { signQrToken } = await import('../../runtime/loop/attendance/qr-token.ts');
    const row = await svc.db('attendance_sessions').where({ id: live.id }).first('qr_secret');
    const past = signQrToken(row.qr_secret, c.companyId, live.id, Date.now() - 1000);
    const r = await c.post('attendance/qr-check-in/', { qr_token: past, person_name: 'Tardy' });
    expect(r.status).toBe(410);
    expect(r.body.code ?? JSON.stringify(r.body)).toContain('expired');
  });

  it('410 for a closed session, 409 for a token of a cancelled one, 404 for unknown sessions', async () => {
    const s = await create(c, 'attendance/sessions/', { title: 'Closing', starts_at: inAnHour() });
    const t = await token(s);
    await c.call('PATCH', `attendance/sessions/${s.id}/`, { status: 'closed' });
    const r = await c.post('attendance/qr-check-in/', { qr_token: t, person_name: 'Y' });
    expect(r.status).toBe(410);
    expect(JSON.stringify(r.body)).toContain('closed');
    const tok = await c.post(`attendance/sessions/${s.id}/qr-token/`, {});
    expect(tok.status).toBe(409);
    expect(JSON.stringify(tok.body)).toContain('closed');
    expect((await c.post('attendance/sessions/999999/qr-token/', {})).status).toBe(404);
    expect((await c.post(`attendance/sessions/${live.id}/qr-token/`, { ttl_seconds: 5 })).status).toBe(400);
  });
});

describe('attendance/reports/', () => {
  let day: string;
  beforeAll(async () => {
    const s1 = await create(c, 'attendance/sessions/', {
      title: 'Class A',
      kind: 'class',
      starts_at: '2025-02-03T08:00:00Z',
      expected_count: 4,
    });
    const s2 = await create(c, 'attendance/sessions/', { title: 'Class B', kind: 'class', starts_at: '2025-02-04T08:00:00Z' });
    await create(c, 'attendance/sessions/', {
      title: 'Cancelled',
      kind: 'class',
      starts_at: '2025-02-04T09:00:00Z',
      status: 'cancelled',
      expected_count: 10,
    });
    for (const [s, name, status] of [
      [s1, 'Ann', 'present'],
      [s1, 'Bob', 'late'],
      [s1, 'Cy', 'absent'],
      [s2, 'Ann', 'present'],
      [s2, 'Bob', 'excused'],
    ] as const) {
      await create(c, 'attendance/records/', { session: s.id, person_name: name, status });
    }
    day = '2025-02-03';
  });

  it('rates per session, with totals', async () => {
    const r = await c.get('attendance/reports/?from=2025-02-01&to=2025-02-28&kind=class');
    expect(r.status).toBe(200);
    expect(r.body.sessions).toBe(2);
    expect(r.body.totals).toEqual({ present: 2, late: 1, absent: 1, excused: 1 });
    // (2 + 1 + 1) attended of 4 + 2 expected.
    expect(r.body.attendance_rate).toBe('50.00');
    expect(r.body.rows.map((x: any) => [x.title, x.rate])).toEqual([
      ['Class A', '50.00'],
      ['Class B', '50.00'],
    ]);
  });

  it('rates per person and per day', async () => {
    const p = await c.get('attendance/reports/?from=2025-02-01&to=2025-02-28&kind=class&group_by=person');
    expect(p.body.rows.find((x: any) => x.person_name === 'Ann')).toMatchObject({ attended: 2, sessions: 2, rate: '100.00' });
    expect(p.body.rows.find((x: any) => x.person_name === 'Bob')).toMatchObject({ attended: 1, late: 1, excused: 1, rate: '50.00' });
    const d = await c.get('attendance/reports/?from=2025-02-01&to=2025-02-28&kind=class&group_by=day');
    expect(d.body.rows[0]).toMatchObject({ period: day, sessions: 1, expected: 4, rate: '50.00' });
  });

  it('is tenant-scoped and 400s on bad input', async () => {
    expect((await other.get('attendance/reports/?from=2025-02-01&to=2025-02-28')).body.sessions).toBe(0);
    expect((await c.get('attendance/reports/?from=2025-02-28&to=2025-02-01')).status).toBe(400);
    expect((await c.get('attendance/reports/?from=2025-02-01&to=2025-02-28&group_by=year')).status).toBe(400);
  });
});
