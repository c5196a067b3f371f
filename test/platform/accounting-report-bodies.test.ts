/**
 * The eight accounting reports answer what spec/platform/accounting-reports.yaml now declares (before,
 * the document said `data: null`): each answer, over a ledger with postings, an approved sale and an
 * overdue bill, validates against generated/platform/openapi.json, and the figures are the books'.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';
import { documentedCall } from './documented-call.ts';

let svc: TestService;
let key: string;
let call: ReturnType<typeof client>;
const acct: Record<string, string> = {};

beforeAll(async () => {
  svc = await startTestService('platform');
  key = await adminKey(svc, 'report-bodies-co');
  call = client(svc, key);
  for (const [name, code, type, sub_type] of [
    ['cash', '1000', 'asset', 'bank'],
    ['ar', '1100', 'asset', 'accounts_receivable'],
    ['ap', '2000', 'liability', 'accounts_payable'],
    ['equity', '3000', 'equity', undefined],
    ['revenue', '4000', 'revenue', undefined],
    ['expense', '5000', 'expense', undefined],
  ] as const) {
    const r = await call('POST', 'accounting/accounts', { code, name, type, sub_type });
    expect(r.status).toBe(201);
    acct[name] = r.body.data.id;
  }
  const je = await call('POST', 'accounting/journal-entries', {
    date: '2025-02-01',
    description: 'capital',
    post: true,
    lines: [
      { account_id: acct.cash, debit: '1000.00' },
      { account_id: acct.equity, credit: '1000.00' },
    ],
  });
  expect(je.status).toBe(201);
  for (const [type, account, due] of [
    ['sales', acct.revenue, '2025-03-20'],
    ['purchase', acct.expense, '2025-03-01'],
  ] as const) {
    const inv = await call('POST', 'accounting/invoices', {
      type,
      contact_name: type === 'sales' ? 'Acme' : 'Supplier',
      date: '2025-02-15',
      due_date: due,
      currency: 'EUR',
      lines: [{ description: 'work', quantity: 1, unit_price: '100.00', account_id: account }],
    });
    expect(inv.status).toBe(201);
    expect((await call('POST', `accounting/invoices/${inv.body.data.id}/approve`, {})).status).toBe(200);
  }
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

const report = (name: string, query: string) => documentedCall(svc, key, `GET /accounting/reports/${name}`, [], undefined, query);

it('aged payables and receivables: buckets by days past due', async () => {
  const payables = await report('aged-payables', '?as_of=2025-04-15');
  expect(payables).toMatchObject({ as_of: '2025-04-15', total: '100.00', buckets: { '31_60': '100.00', current: '0.00' } });
  expect(payables.invoices).toEqual([expect.objectContaining({ contact_name: 'Supplier', outstanding: '100.00', days_overdue: 45 })]);
  const receivables = await report('aged-receivables', '?as_of=2025-04-15');
  expect(receivables).toMatchObject({ total: '100.00', buckets: { '1_30': '100.00' } });
});

it('profit and loss, balance sheet and trial balance agree with the postings', async () => {
  const pl = await report('profit-and-loss', '?from=2025-01-01&to=2025-12-31');
  expect(pl).toMatchObject({ from: '2025-01-01', to: '2025-12-31', net_income: '0.00' });
  expect(pl.revenue.total).toBe('100.00');
  expect(pl.expenses.total).toBe('100.00');
  const bs = await report('balance-sheet', '?as_of=2025-12-31');
  expect(bs).toMatchObject({ balanced: true, total_liabilities_and_equity: '1100.00' });
  const tb = await report('trial-balance', '?as_of=2025-12-31');
  expect(tb).toMatchObject({ balanced: true, total_debits: tb.total_credits });
  expect(tb.accounts.length).toBeGreaterThanOrEqual(5);
});

it('general ledger, cash flow and tax', async () => {
  const gl = await report('general-ledger', `?from=2025-01-01&to=2025-12-31&account_id=${acct.cash}`);
  expect(gl.accounts).toEqual([expect.objectContaining({ account_id: acct.cash, closing_balance: '1000.00' })]);
  const cf = await report('cash-flow', '?from=2025-01-01&to=2025-12-31');
  expect(cf).toMatchObject({ method: 'direct', inflows: '1000.00', outflows: '0.00', closing_balance: '1000.00' });
  const tax = await report('tax', '?from=2025-01-01&to=2025-12-31');
  expect(tax).toMatchObject({ tax_codes: [], output_tax: '0.00', input_tax: '0.00', net_tax_payable: '0.00' });
});
