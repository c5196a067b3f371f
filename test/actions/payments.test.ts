/** payments/reports/ through the generated server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, signUp } from './loop-client.ts';

let svc: TestService;
let c: LoopClient;
let other: LoopClient;

const invoice = (n: string, over: Record<string, unknown>) =>
  create(c, 'payments/invoices/', { number: n, customer_name: 'Grace', issue_date: '2025-03-03', currency: 'RWF', ...over });
const tx = (over: Record<string, unknown>) =>
  create(c, 'payments/transactions/', {
    method: 'cash',
    status: 'succeeded',
    currency: 'RWF',
    processed_at: '2025-03-04T10:00:00Z',
    ...over,
  });

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'pay');
  other = await signUp(svc, 'payother');
  const i1 = await invoice('INV-1', { status: 'sent', total: '100.00' });
  await invoice('INV-2', { status: 'paid', total: '50.50' });
  await invoice('INV-3', { status: 'void', total: '999.00' });
  await invoice('INV-4', { status: 'partially_paid', total: '200.00', issue_date: '2025-03-20' });
  await invoice('INV-5', { status: 'sent', total: '10.00', currency: 'USD' });
  await invoice('INV-6', { status: 'sent', total: '77.00', issue_date: '2025-04-01' });
  await tx({ invoice: i1.id, amount: '50.50' });
  await tx({ method: 'mobile_money', amount: '80.00', processed_at: '2025-03-21T09:00:00Z' });
  await tx({ kind: 'refund', amount: '10.00' });
  await tx({ amount: '1000.00', status: 'failed' });
  await tx({ amount: '5.00', currency: 'USD', method: 'card' });
}, 60_000);
afterAll(async () => svc?.close());

describe('payments/reports/', () => {
  it('totals by currency, status, method and period', async () => {
    const r = await c.get('payments/reports/?from=2025-03-01&to=2025-03-31&group_by=month');
    expect(r.status).toBe(200);
    const rwf = r.body.by_currency.find((x: any) => x.currency === 'RWF');
    // void left out; INV-6 is outside the range.
    expect(rwf).toEqual({ currency: 'RWF', invoice_count: 3, invoiced_total: '350.50', collected_total: '120.50', outstanding: '300.00' });
    expect(r.body.by_currency.find((x: any) => x.currency === 'USD')).toMatchObject({ invoiced_total: '10.00', collected_total: '5.00' });
    expect(r.body.by_status).toContainEqual({ status: 'void', currency: 'RWF', count: 1, total: '999.00' });
    expect(r.body.by_method).toContainEqual({ method: 'cash', currency: 'RWF', count: 2, amount: '40.50' });
    expect(r.body.series).toContainEqual({ period: '2025-03-01', currency: 'RWF', invoiced: '350.50', collected: '120.50' });
  });

  it('groups by day and filters by currency', async () => {
    const r = await c.get('payments/reports/?from=2025-03-01&to=2025-03-31&currency=USD');
    expect(r.body.currency).toBe('USD');
    expect(r.body.by_currency.map((x: any) => x.currency)).toEqual(['USD']);
    const day = await c.get('payments/reports/?from=2025-03-01&to=2025-03-31');
    expect(day.body.series.filter((s: any) => s.currency === 'RWF').map((s: any) => s.period)).toEqual([
      '2025-03-03',
      '2025-03-04',
      '2025-03-20',
      '2025-03-21',
    ]);
  });

  it('is tenant-scoped', async () => {
    const r = await other.get('payments/reports/?from=2025-03-01&to=2025-03-31');
    expect(r.body.by_currency).toEqual([]);
  });

  it('400 on bad input', async () => {
    expect((await c.get('payments/reports/?from=2025-03-31&to=2025-03-01')).status).toBe(400);
    expect((await c.get('payments/reports/?from=2025-03-01&to=2025-03-31&group_by=year')).status).toBe(400);
    expect((await c.get('payments/reports/?from=2025-03-01')).status).toBe(400);
  });
});
