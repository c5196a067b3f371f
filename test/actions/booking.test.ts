/** booking/calendar/ and booking/appointments/{id}/create-invoice/ through the generated server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, signUp } from './loop-client.ts';

let svc: TestService;
let c: LoopClient;
let other: LoopClient;
let service: any;
let staff: any;
let customer: any;

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'book');
  other = await signUp(svc, 'bookother');
  service = await create(c, 'booking/services/', {
    name: 'Massage',
    duration_minutes: 60,
    buffer_minutes: 15,
    price: '40000.00',
    currency: 'RWF',
  });
  staff = await create(c, 'booking/staff/', {
    full_name: 'Eric',
    working_hours: {
      mon: [
        ['09:00', '12:00'],
        ['13:00', '17:00'],
      ],
    },
  });
  customer = await create(c, 'booking/customers/', { first_name: 'Grace', last_name: 'M', email: 'grace@example.test' });
}, 60_000);
afterAll(async () => svc?.close());

const appt = (over: Record<string, unknown> = {}) =>
  create(c, 'booking/appointments/', {
    service: service.id,
    staff: staff.id,
    customer: customer.id,
    starts_at: '2025-01-06T10:00:00Z',
    ends_at: '2025-01-06T11:00:00Z',
    status: 'confirmed',
    ...over,
  });

describe('booking/calendar/', () => {
  it('groups by day and staff with free/busy from working hours', async () => {
    const a1 = await appt();
    await appt({ starts_at: '2025-01-06T14:00:00Z', ends_at: '2025-01-06T14:30:00Z', status: 'cancelled' });
    await appt({ staff: null, starts_at: '2025-01-07T08:00:00Z', ends_at: '2025-01-07T08:30:00Z' });
    const r = await c.get('booking/calendar/?from=2025-01-06&to=2025-01-07');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(3);
    expect(r.body.timezone).toBe('UTC');
    const [mon, tue] = r.body.days;
    expect(mon.date).toBe('2025-01-06');
    const lane = mon.staff.find((s: any) => s.staff === staff.id);
    expect(lane.appointments.map((x: any) => x.id)).toContain(a1.id);
    expect(lane.appointments[0]).toMatchObject({ service_name: 'Massage', customer_name: 'Grace M' });
    // 10:00-11:00 plus the 15-minute buffer; the cancelled appointment holds no time.
    expect(lane.busy).toEqual([{ start: '10:00', end: '11:15' }]);
    expect(lane.free).toEqual([
      { start: '09:00', end: '10:00' },
      { start: '11:15', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ]);
    // Tuesday: no working hours declared for "tue"; the unassigned appointment gets a lane of its own.
    expect(tue.staff.find((s: any) => s.staff === staff.id).free).toEqual([]);
    expect(tue.staff.find((s: any) => s.staff === null).appointments).toHaveLength(1);
  });

  it('filters by status without hiding busy time', async () => {
    const r = await c.get('booking/calendar/?from=2025-01-06&to=2025-01-06&status=cancelled');
    const lane = r.body.days[0].staff.find((s: any) => s.staff === staff.id);
    expect(lane.appointments.every((x: any) => x.status === 'cancelled')).toBe(true);
    expect(lane.busy).toEqual([{ start: '10:00', end: '11:15' }]);
  });

  it('is tenant-scoped', async () => {
    const r = await other.get('booking/calendar/?from=2025-01-06&to=2025-01-07');
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(0);
  });

  it('rejects bad ranges with 400', async () => {
    expect((await c.get('booking/calendar/?from=2025-01-07&to=2025-01-06')).status).toBe(400);
    expect((await c.get('booking/calendar/?from=2025-01-01&to=2025-06-01')).status).toBe(400);
    expect((await c.get('booking/calendar/?from=nope&to=2025-01-06')).status).toBe(400);
    expect((await c.get('booking/calendar/?to=2025-01-06')).status).toBe(400);
  });
});

describe('booking/appointments/{id}/create-invoice/', () => {
  it('creates a priced invoice with one item, links both records, and is idempotent', async () => {
    const a = await appt({ starts_at: '2025-02-03T09:00:00Z', ends_at: '2025-02-03T10:00:00Z' });
    const r = await c.post(`booking/appointments/${a.id}/create-invoice/`, { notes: 'Thanks' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      customer_name: 'Grace M',
      customer_email: 'grace@example.test',
      currency: 'RWF',
      status: 'draft',
      source: 'booking',
      source_id: String(a.id),
      notes: 'Thanks',
    });
    expect(Number(r.body.total)).toBe(40000);
    expect(r.body.number).toMatch(/^INV-\d{4}-\d{4}$/);
    const items = await c.get(`payments/invoice-items/?invoice=${r.body.id}`);
    expect(items.body.count).toBe(1);
    expect(items.body.results[0]).toMatchObject({ invoice: r.body.id });
    expect(Number(items.body.results[0].unit_price)).toBe(40000);
    expect((await c.get(`booking/appointments/${a.id}/`)).body.invoice).toBe(r.body.id);

    const again = await c.post(`booking/appointments/${a.id}/create-invoice/`, {});
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(r.body.id);
    expect((await c.get(`payments/invoices/?source_id=${a.id}`)).body.count).toBe(1);
    const audit = await svc.db('audit_logs').where({ company_id: c.companyId, action: 'create-invoice' }).count({ n: '*' }).first();
    expect(Number(audit!.n)).toBeGreaterThanOrEqual(1);
  });

  it('prefers the appointment price and numbers invoices in sequence', async () => {
    const a = await appt({ price: '35000.00', currency: 'RWF' });
    const b = await appt();
    const r1 = await c.post(`booking/appointments/${a.id}/create-invoice/`, {});
    const r2 = await c.post(`booking/appointments/${b.id}/create-invoice/`, {});
    expect(r1.body.total).toBe('35000.00');
    const n1 = Number(r1.body.number.split('-')[2]);
    expect(Number(r2.body.number.split('-')[2])).toBe(n1 + 1);
  });

  it('queues the email when asked', async () => {
    const a = await appt();
    const r = await c.post(`booking/appointments/${a.id}/create-invoice/`, { send_email: true });
    expect(r.body.status).toBe('sent');
    const mail = await svc.db('outbox_messages').where({ to: 'grace@example.test', company_id: c.companyId }).first();
    expect(mail.subject).toBe(`Invoice ${r.body.number}`);
  });

  it('409 for a cancelled appointment, naming its state; nothing is written', async () => {
    const a = await appt({ status: 'cancelled' });
    const r = await c.post(`booking/appointments/${a.id}/create-invoice/`, {});
    expect(r.status).toBe(409);
    expect(JSON.stringify(r.body)).toContain('cancelled');
    expect((await c.get(`payments/invoices/?source_id=${a.id}`)).body.count).toBe(0);
  });

  it('404 for unknown or foreign appointments, 400 for a bad body', async () => {
    expect((await c.post('booking/appointments/999999/create-invoice/', {})).status).toBe(404);
    const a = await appt();
    expect((await other.post(`booking/appointments/${a.id}/create-invoice/`, {})).status).toBe(404);
    expect((await c.post(`booking/appointments/${a.id}/create-invoice/`, { due_date: 'tomorrow' })).status).toBe(400);
  });
});
