/** events/registrations/{id}/issue-code/ and events/check-in/ through the generated server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, signUp } from './loop-client.ts';

let svc: TestService;
let c: LoopClient;
let other: LoopClient;
let event: any;
let event2: any;

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'evt');
  other = await signUp(svc, 'evtother');
  event = await create(c, 'events/events/', { title: 'Conf', slug: 'conf', starts_at: '2025-06-01T09:00:00Z' });
  event2 = await create(c, 'events/events/', { title: 'Gig', slug: 'gig', starts_at: '2025-06-02T19:00:00Z' });
}, 60_000);
afterAll(async () => svc?.close());

/** The ticket code is generated on create (catalogue `generate: { kind: code, length: 12 }`). */
const registration = (over: Record<string, unknown> = {}) =>
  create(c, 'events/registrations/', { event: event.id, attendee_name: 'Ann', status: 'confirmed', ...over });

describe('events/registrations/{id}/issue-code/', () => {
  it('the code exists from creation, unique per registration; issue-code returns the same code', async () => {
    const r = await registration();
    expect(r.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect((await registration()).code).not.toBe(r.code);
    const again = await c.post(`events/registrations/${r.id}/issue-code/`);
    expect(again.status).toBe(200);
    expect(again.body.code).toBe(r.code);
    expect((await c.post('events/registrations/999999/issue-code/')).status).toBe(404);
  });

  it('409 for a cancelled registration', async () => {
    const r = await create(c, 'events/registrations/', { event: event.id, attendee_name: 'Gone', status: 'cancelled' });
    const res = await c.post(`events/registrations/${r.id}/issue-code/`);
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain('cancelled');
  });
});

describe('events/check-in/', () => {
  it('checks a registration in by code once; the second scan is a 409', async () => {
    const r = await registration();
    const res = await c.post('events/check-in/', { code: r.code.toLowerCase(), event: event.id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: r.id, status: 'checked_in', event: event.id });
    expect(Date.parse(res.body.checked_in_at)).not.toBeNaN();
    const twice = await c.post('events/check-in/', { code: r.code });
    expect(twice.status).toBe(409);
    expect(JSON.stringify(twice.body)).toContain('checked_in');
    const audit = await svc
      .db('audit_logs')
      .where({ company_id: c.companyId, action: 'check-in', record_id: String(r.id) })
      .count({ n: '*' })
      .first();
    expect(Number(audit!.n)).toBe(1);
  });

  it('409 for another event or a cancelled registration, leaving it unchanged', async () => {
    const r = await registration();
    const wrong = await c.post('events/check-in/', { code: r.code, event: event2.id });
    expect(wrong.status).toBe(409);
    expect((await c.get(`events/registrations/${r.id}/`)).body.status).toBe('confirmed');
    await c.call('PATCH', `events/registrations/${r.id}/`, { status: 'cancelled' });
    const res = await c.post('events/check-in/', { code: r.code });
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).toContain('cancelled');
  });

  it('404 for unknown codes and codes of another company; 400 without a code', async () => {
    const r = await registration();
    expect((await c.post('events/check-in/', { code: 'NOPE' })).status).toBe(404);
    expect((await other.post('events/check-in/', { code: r.code })).status).toBe(404);
    expect((await c.post('events/check-in/', {})).status).toBe(400);
  });
});
