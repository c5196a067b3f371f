/** pos/daily-summary/ through the generated server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, signUp } from './loop-client.ts';

let svc: TestService;
let c: LoopClient;
let other: LoopClient;
let till1: any;
let till2: any;
let n = 0;

const sale = (register: any, over: Record<string, unknown>) =>
  create(c, 'pos/sales/', {
    number: `S-${++n}`,
    register: register.id,
    items: [{ name: 'Soap', quantity: 2, unit_price: '5.00', total: '10.00' }],
    subtotal: '10.00',
    total: '11.80',
    tax_total: '1.80',
    currency: 'RWF',
    sold_at: '2025-05-02T09:00:00Z',
    ...over,
  });

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'pos');
  other = await signUp(svc, 'posother');
  till1 = await create(c, 'pos/registers/', { name: 'Till 1', currency: 'RWF' });
  till2 = await create(c, 'pos/registers/', { name: 'Till 2', currency: 'RWF' });
  await sale(till1, {});
  await sale(till1, { payment_method: 'mobile_money', discount_total: '1.00', total: '10.80' });
  await sale(till2, { items: [{ name: 'Bread', quantity: 1, total: '3.00' }], subtotal: '3.00', tax_total: '0.00', total: '3.00' });
  await sale(till2, { status: 'refunded', total: '4.00' });
  await sale(till2, { status: 'voided', total: '500.00' });
  await sale(till1, { sold_at: '2025-05-03T09:00:00Z', total: '70.00' });
}, 60_000);
afterAll(async () => svc?.close());

describe('pos/daily-summary/', () => {
  it("sums a day's sales overall, per method, per register, with top items", async () => {
    const r = await c.get('pos/daily-summary/?date=2025-05-02');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      date: '2025-05-02',
      currency: 'RWF',
      sales_count: 4,
      gross_total: '29.60',
      discount_total: '1.00',
      tax_total: '5.40',
      refunds_total: '4.00',
      net_total: '25.60',
    });
    expect(r.body.by_payment_method.mobile_money).toMatchObject({ sales_count: 1, gross_total: '10.80' });
    expect(r.body.by_payment_method.cash.sales_count).toBe(3);
    const t1 = r.body.by_register.find((x: any) => x.register === till1.id);
    expect(t1).toMatchObject({ name: 'Till 1', sales_count: 2, gross_total: '22.60' });
    expect(t1.by_payment_method).toEqual({ cash: { count: 1, total: '11.80' }, mobile_money: { count: 1, total: '10.80' } });
    expect(r.body.top_items[0]).toEqual({ name: 'Soap', quantity: '4', total: '20.00' });
    expect(r.body.top_items[1]).toMatchObject({ name: 'Bread', total: '3.00' });
  });

  it('filters by register', async () => {
    const r = await c.get(`pos/daily-summary/?date=2025-05-02&register=${till2.id}`);
    expect(r.body.sales_count).toBe(2);
    expect(r.body.by_register.map((x: any) => x.register)).toEqual([till2.id]);
  });

  it('an empty day and another tenant see zeros', async () => {
    const r = await c.get('pos/daily-summary/?date=2025-05-09');
    expect(r.body).toMatchObject({ sales_count: 0, gross_total: '0.00', currency: null, by_register: [], top_items: [] });
    expect((await other.get('pos/daily-summary/?date=2025-05-02')).body.sales_count).toBe(0);
    expect((await c.get('pos/daily-summary/')).status).toBe(200);
  });

  it('400 on a bad date', async () => {
    expect((await c.get('pos/daily-summary/?date=2025-13-45')).status).toBe(400);
    expect((await c.get('pos/daily-summary/?register=x')).status).toBe(400);
  });
});
