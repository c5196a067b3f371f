/**
 * Double-entry accounting through the platform server: journal entries (draft → posted → reversed),
 * invoices and payments booked through the journal, periods, bank feeds and the SQL reports.
 * Amounts are decimal strings end to end; 0.10 + 0.20 = 0.30 must balance.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
const acct: Record<string, string> = {};
let bank: string;
let vat: string;
let invoice: string;
let payment: string;
let paymentEntry: string;

async function account(key: string, code: string, type: string, sub_type?: string) {
  const r = await call('POST', 'accounting/accounts', { code, name: key, type, sub_type });
  expect(r.status).toBe(201);
  acct[key] = r.body.data.id;
}

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'books-co'));
  await account('cash', '1000', 'asset', 'bank');
  await account('ar', '1100', 'asset', 'accounts_receivable');
  await account('ap', '2000', 'liability', 'accounts_payable');
  await account('tax', '2100', 'liability', 'tax');
  await account('equity', '3000', 'equity');
  await account('revenue', '4000', 'revenue');
  await account('expense', '5000', 'expense');
  bank = (await call('POST', 'accounting/bank-accounts', { name: 'Main', gl_account_id: acct.cash, currency: 'EUR' })).body.data.id;
  vat = (await call('POST', 'accounting/tax-codes', { code: 'VAT20', name: 'VAT 20%', rate: '20' })).body.data.id;
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

const je = (date: string, lines: unknown[], post = true) =>
  call('POST', 'accounting/journal-entries', { date, description: 'test', lines, post });

it('journal entries: post checks balance in numeric, drafts edit, posted entries only reverse', async () => {
  const capital = await je('2025-03-01', [
    { account_id: acct.cash, debit: '1000.00' },
    { account_id: acct.equity, credit: 1000 },
  ]);
  expect(capital.status).toBe(201);
  expect(capital.body.data).toMatchObject({ status: 'posted', total_debit: '1000.00', total_credit: '1000.00' });
  // 0.1 + 0.2 is not 0.3 in floating point; the ledger sums numeric.
  const cents = await je('2025-03-02', [
    { account_id: acct.expense, debit: 0.1 },
    { account_id: acct.expense, debit: '0.20' },
    { account_id: acct.cash, credit: '0.30' },
  ]);
  expect(cents.status).toBe(201);
  expect(cents.body.data.status).toBe('posted');

  const draft = await je(
    '2025-03-03',
    [
      { account_id: acct.cash, debit: '10.00' },
      { account_id: acct.revenue, credit: '9.99' },
    ],
    false,
  );
  expect(draft.body.data.status).toBe('draft');
  const refused = await call('POST', `accounting/journal-entries/${draft.body.data.id}/post`, {});
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.body)).toContain('10.00');
  // An unknown account is refused as the line is written (a tenant-scoped foreign key), not only at posting.
  expect(
    (
      await call('PATCH', `accounting/journal-entries/${draft.body.data.id}`, {
        lines: [
          { account_id: acct.cash, debit: '10.00' },
          { account_id: 'acct_nope', credit: '10.00' },
        ],
      })
    ).status,
  ).toBe(400);
  expect((await call('POST', `accounting/journal-entries/${draft.body.data.id}/post`, {})).status).toBe(400); // still unbalanced
  const gone = await call('DELETE', `accounting/journal-entries/${draft.body.data.id}`);
  expect(gone.status).toBe(200);
  expect(gone.body.data).toEqual({ id: draft.body.data.id, deleted: true });
  expect(
    (
      await je('2025-03-03', [
        { account_id: acct.cash, debit: '1.005' },
        { account_id: acct.revenue, credit: '1.005' },
      ])
    ).status,
  ).toBe(400);
  expect(
    (
      await je('2025-03-03', [
        { account_id: acct.cash, debit: '5', credit: '5' },
        { account_id: acct.revenue, credit: '5' },
      ])
    ).status,
  ).toBe(400);

  const rent = (
    await je('2025-03-05', [
      { account_id: acct.expense, debit: '200.00' },
      { account_id: acct.cash, credit: '200.00' },
    ])
  ).body.data;
  expect((await call('DELETE', `accounting/journal-entries/${rent.id}`)).status).toBe(409);
  expect((await call('PATCH', `accounting/journal-entries/${rent.id}`, { description: 'x' })).status).toBe(409);
  const rev = await call('POST', `accounting/journal-entries/${rent.id}/reverse`, { date: '2025-03-06' });
  expect(rev.status).toBe(201);
  expect(rev.body.data.original).toMatchObject({ status: 'reversed', reversed_by: rev.body.data.reversal.id });
  expect(rev.body.data.reversal).toMatchObject({ status: 'posted', reversal_of: rent.id, date: '2025-03-06' });
  expect(rev.body.data.reversal.lines.map((l: any) => [l.account_id, l.debit, l.credit])).toEqual([
    [acct.expense, '0.00', '200.00'],
    [acct.cash, '200.00', '0.00'],
  ]);
  expect((await call('POST', `accounting/journal-entries/${rent.id}/reverse`, {})).status).toBe(409);
  expect((await call('GET', `accounting/journal-entries/${rent.id}`)).body.data.lines).toHaveLength(2);
});

it('invoices and payments book through the journal; voids reverse', async () => {
  const inv = await call('POST', 'accounting/invoices', {
    type: 'sales',
    contact_name: 'Acme',
    date: '2025-03-10',
    due_date: '2025-03-20',
    currency: 'EUR',
    lines: [{ description: 'Consulting', quantity: 2, unit_price: '150.00', account_id: acct.revenue, tax_code_id: vat }],
  });
  invoice = inv.body.data.id;
  const approved = await call('POST', `accounting/invoices/${invoice}/approve`, {});
  expect(approved.status).toBe(200);
  expect(approved.body.data).toMatchObject({ status: 'approved', subtotal: '300.00', tax_total: '60.00', total: '360.00' });
  const entry = (await call('GET', `accounting/journal-entries/${approved.body.data.journal_entry_id}`)).body.data;
  expect(entry).toMatchObject({ status: 'posted', source_type: 'invoice', source_id: invoice, total_debit: '360.00' });
  expect((await call('POST', `accounting/invoices/${invoice}/approve`, {})).status).toBe(409);

  const over = await call('POST', 'accounting/payments', {
    type: 'receipt',
    date: '2025-03-15',
    amount: '500.00',
    bank_account_id: bank,
    allocations: [{ invoice_id: invoice, amount: '400.00' }],
  });
  expect(over.status).toBe(400);
  const pay = await call('POST', 'accounting/payments', {
    type: 'receipt',
    contact_name: 'Acme',
    date: '2025-03-15',
    amount: '100.00',
    bank_account_id: bank,
    allocations: [{ invoice_id: invoice, amount: '100.00' }],
  });
  expect(pay.status).toBe(201);
  payment = pay.body.data.id;
  paymentEntry = pay.body.data.journal_entry_id;
  expect(pay.body.data).toMatchObject({ status: 'posted', amount: '100.00' });
  expect((await call('POST', `accounting/invoices/${invoice}/void`, {})).status).toBe(409); // has a payment

  const aged = (await call('GET', 'accounting/reports/aged-receivables?as_of=2025-04-25')).body.data;
  expect(aged).toMatchObject({ total: '260.00', buckets: { current: '0.00', '31_60': '260.00' } });
  expect(aged.invoices).toEqual([expect.objectContaining({ id: invoice, outstanding: '260.00', days_overdue: 36, bucket: '31_60' })]);
  expect((await call('GET', 'accounting/reports/aged-payables?as_of=2025-04-25')).body.data.total).toBe('0.00');
  expect((await call('GET', 'accounting/reports/tax?from=2025-03-01&to=2025-03-31')).body.data).toMatchObject({
    output_tax: '60.00',
    input_tax: '0.00',
    net_tax_payable: '60.00',
    tax_codes: [{ tax_code: 'VAT20', sales_taxable: '300.00', output_tax: '60.00' }],
  });
});

it('reports: trial balance, balance sheet, P&L, general ledger, cash flow — from booked lines', async () => {
  const tb = (await call('GET', 'accounting/reports/trial-balance?as_of=2025-03-31')).body.data;
  // capital 1000 + cents 0.30 + rent 200 + its reversal 200 + invoice 360 + receipt 100
  expect(tb).toMatchObject({ total_debits: '1860.30', total_credits: '1860.30', balanced: true });
  expect(tb.accounts.find((r: any) => r.account_id === acct.cash)).toMatchObject({ debit_balance: '1099.70', credit_balance: '0.00' });
  expect((await call('GET', 'accounting/reports/trial-balance?as_of=2025-03-01')).body.data.total_debits).toBe('1000.00');

  const pl = (await call('GET', 'accounting/reports/profit-and-loss?from=2025-03-01&to=2025-03-31')).body.data;
  expect(pl).toMatchObject({ revenue: { total: '300.00' }, expenses: { total: '0.30' }, net_income: '299.70' });
  const bs = (await call('GET', 'accounting/reports/balance-sheet?as_of=2025-03-31')).body.data;
  expect(bs).toMatchObject({
    assets: { total: '1359.70' },
    liabilities: { total: '60.00' },
    equity: { retained_earnings: '299.70', total: '1299.70' },
    total_liabilities_and_equity: '1359.70',
    balanced: true,
  });
  expect(bs.assets.accounts.map((r: any) => [r.code, r.balance])).toEqual([
    ['1000', '1099.70'],
    ['1100', '260.00'],
  ]);

  const gl = (await call('GET', `accounting/reports/general-ledger?from=2025-03-02&to=2025-03-31&account_id=${acct.cash}`)).body.data;
  expect(gl.accounts).toHaveLength(1);
  expect(gl.accounts[0]).toMatchObject({ opening_balance: '1000.00', closing_balance: '1099.70' });
  expect(gl.accounts[0].lines.map((l: any) => l.balance)).toEqual(['999.70', '799.70', '999.70', '1099.70']);

  const cf = (await call('GET', 'accounting/reports/cash-flow?from=2025-03-02&to=2025-03-31')).body.data;
  expect(cf).toMatchObject({ opening_balance: '1000.00', inflows: '300.00', outflows: '200.30', closing_balance: '1099.70' });
});

it('periods: close refuses drafts, freezes posting; reopen thaws', async () => {
  const period = (await call('POST', 'accounting/periods', { name: 'Jan 2025', start_date: '2025-01-01', end_date: '2025-01-31' })).body
    .data.id;
  const draft = (
    await je(
      '2025-01-15',
      [
        { account_id: acct.cash, debit: '5.00' },
        { account_id: acct.revenue, credit: '5.00' },
      ],
      false,
    )
  ).body.data.id;
  const busy = await call('POST', `accounting/periods/${period}/close`, {});
  expect(busy.status).toBe(409);
  expect(busy.body.error.code).toBe('DRAFT_ENTRIES_IN_PERIOD');
  await call('DELETE', `accounting/journal-entries/${draft}`);
  const closed = await call('POST', `accounting/periods/${period}/close`, {});
  expect(closed.body.data).toMatchObject({ status: 'closed' });
  const frozen = await je('2025-01-10', [
    { account_id: acct.cash, debit: '5.00' },
    { account_id: acct.revenue, credit: '5.00' },
  ]);
  expect(frozen.status).toBe(409);
  expect(frozen.body.error.code).toBe('PERIOD_CLOSED');
  // The refused create rolled back whole: no stray draft.
  expect(Number((await svc.db('pf_journal_entries').where('date', '2025-01-10').count({ n: '*' }).first())!.n)).toBe(0);
  expect((await call('POST', `accounting/periods/${period}/close`, {})).status).toBe(409);
  expect((await call('POST', `accounting/periods/${period}/reopen`, {})).body.data.status).toBe('open');
  expect(
    (
      await je('2025-01-10', [
        { account_id: acct.cash, debit: '5.00' },
        { account_id: acct.revenue, credit: '5.00' },
      ])
    ).status,
  ).toBe(201);
  const tb = (await call('GET', `accounting/reports/trial-balance?period_id=${period}`)).body.data;
  expect(tb).toMatchObject({ as_of: '2025-01-31', total_debits: '5.00', balanced: true });
});

it('bank feed: import (dedupe), match by ledger movement, reconcile', async () => {
  const imp = await call('POST', `accounting/bank-accounts/${bank}/import`, {
    transactions: [
      { date: '2025-03-15', amount: '100.00', description: 'Acme', reference: 'R1' },
      { date: '2025-03-16', amount: '-12.50', description: 'Fee', reference: 'F1' },
    ],
  });
  expect(imp.status).toBe(201);
  expect(imp.body.data.imported).toBe(2);
  expect(
    (
      await call('POST', `accounting/bank-accounts/${bank}/import`, {
        transactions: [{ date: '2025-03-15', amount: 100, reference: 'R1' }],
      })
    ).body.data,
  ).toMatchObject({ imported: 0, skipped: 1 });
  const list = (await call('GET', `accounting/bank-accounts/${bank}/transactions?status=unmatched`)).body.data;
  expect(list.total).toBe(2);
  const [fee, receipt] = list.transactions;
  expect(fee.amount).toBe('-12.50');
  const wrong = await call('POST', `accounting/bank-transactions/${fee.id}/match`, { entry_id: paymentEntry });
  expect(wrong.status).toBe(409);
  expect(wrong.body.error.code).toBe('AMOUNT_MISMATCH');
  expect((await call('POST', `accounting/bank-accounts/${bank}/reconcile`, { transaction_ids: [receipt.id] })).status).toBe(409);
  expect((await call('POST', `accounting/bank-transactions/${receipt.id}/match`, { entry_id: paymentEntry })).body.data).toMatchObject({
    status: 'matched',
    journal_entry_id: paymentEntry,
  });
  const rec = (await call('POST', `accounting/bank-accounts/${bank}/reconcile`, { transaction_ids: [receipt.id] })).body.data;
  expect(rec).toMatchObject({ reconciled: 1, reconciled_statement_total: '100.00', ledger_balance: '1104.70' });
  expect((await call('GET', `accounting/bank-transactions/${receipt.id}`)).body.data.status).toBe('reconciled');
});

it('recurring entries book now and move next_run; voids reverse payments and invoices', async () => {
  const r = (
    await call('POST', 'accounting/recurring', {
      name: 'Rent',
      type: 'journal',
      frequency: 'monthly',
      next_run: '2025-01-31',
      template: {
        description: 'Monthly rent',
        lines: [
          { account_id: acct.expense, debit: '50.00' },
          { account_id: acct.cash, credit: '50.00' },
        ],
      },
    })
  ).body.data.id;
  const run = await call('POST', `accounting/recurring/${r}/execute`, {});
  expect(run.status).toBe(201);
  expect(run.body.data).toMatchObject({
    run_date: '2025-01-31',
    next_run: '2025-02-28',
    entry: { status: 'posted', source_type: 'recurring', total_debit: '50.00' },
  });
  expect((await call('POST', `accounting/recurring/${r}/execute`, {})).body.data.run_date).toBe('2025-02-28');

  const voided = await call('POST', `accounting/payments/${payment}/void`, { date: '2025-03-20' });
  expect(voided.body.data.status).toBe('void');
  expect((await call('POST', `accounting/payments/${payment}/void`, {})).status).toBe(409);
  expect((await call('GET', 'accounting/reports/aged-receivables?as_of=2025-03-25')).body.data.total).toBe('360.00');
  expect((await call('POST', `accounting/invoices/${invoice}/void`, { date: '2025-03-20' })).body.data.status).toBe('void');
  expect((await call('GET', 'accounting/reports/aged-receivables?as_of=2025-03-25')).body.data.total).toBe('0.00');
  const ar = (await call('GET', 'accounting/reports/trial-balance?as_of=2025-03-31')).body.data.accounts.find(
    (x: any) => x.account_id === acct.ar,
  );
  expect(ar).toMatchObject({ debit_balance: '0.00', credit_balance: '0.00' });
});
