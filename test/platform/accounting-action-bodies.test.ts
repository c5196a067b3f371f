/**
 * Accounting actions that documented `data: null` (and 200 where they answer 201) now declare their
 * answers in spec/platform/accounting.yaml: each is driven through the server over a small ledger and
 * its status and body validate against generated/platform/openapi.json.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';
import { documentedCall } from './documented-call.ts';

let svc: TestService;
let key: string;
let call: ReturnType<typeof client>;
const acct: Record<string, string> = {};
let bank: string;

const doc = (op: string, values: string[] = [], body?: unknown) => documentedCall(svc, key, op, values, body);

beforeAll(async () => {
  svc = await startTestService('platform');
  key = await adminKey(svc, 'action-bodies-co');
  call = client(svc, key);
  for (const [name, code, type, sub_type] of [
    ['cash', '1000', 'asset', 'bank'],
    ['ar', '1100', 'asset', 'accounts_receivable'],
    ['equity', '3000', 'equity', undefined],
    ['revenue', '4000', 'revenue', undefined],
  ] as const) {
    acct[name] = (await call('POST', 'accounting/accounts', { code, name, type, sub_type })).body.data.id;
  }
  bank = (await call('POST', 'accounting/bank-accounts', { name: 'Main', gl_account_id: acct.cash, currency: 'EUR' })).body.data.id;
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

const draft = async (amount: string) =>
  (
    await call('POST', 'accounting/journal-entries', {
      date: '2025-03-01',
      description: 'capital',
      post: false,
      lines: [
        { account_id: acct.cash, debit: amount },
        { account_id: acct.equity, credit: amount },
      ],
    })
  ).body.data.id as string;

it('journal entries: post, reverse (201)', async () => {
  const posted = await doc('POST /accounting/journal-entries/{entry_id}/post', [await draft('50.00')]);
  expect(posted).toMatchObject({ status: 'posted', total_debit: '50.00' });
  const reversed = await doc('POST /accounting/journal-entries/{entry_id}/reverse', [posted.id], {});
  expect(reversed.reversal).toMatchObject({ reversal_of: posted.id });
});

it('bank feed: import (201), list, match, reconcile', async () => {
  const entry = await doc('POST /accounting/journal-entries/{entry_id}/post', [await draft('100.00')]);
  const imported = await doc('POST /accounting/bank-accounts/{bank_account_id}/import', [bank], {
    transactions: [{ date: '2025-03-01', amount: 100, type: 'credit', reference: 'dep-1' }],
  });
  expect(imported).toMatchObject({ imported: 1, skipped: 0 });
  const list = await doc('GET /accounting/bank-accounts/{bank_account_id}/transactions', [bank]);
  expect(list.total).toBe(1);
  const tx = list.transactions[0].id;
  const matched = await doc('POST /accounting/bank-transactions/{transaction_id}/match', [tx], { entry_id: entry.id });
  expect(matched).toMatchObject({ id: tx, status: 'matched' });
  const rec = await doc('POST /accounting/bank-accounts/{bank_account_id}/reconcile', [bank], { transaction_ids: [tx] });
  expect(rec).toMatchObject({ reconciled: 1, already_reconciled: 0 });
});

it('invoices approve and void; payments void', async () => {
  const inv = await call('POST', 'accounting/invoices', {
    type: 'sales',
    contact_name: 'Acme',
    date: '2025-03-10',
    due_date: '2025-03-20',
    currency: 'EUR',
    lines: [{ description: 'work', quantity: 1, unit_price: '80.00', account_id: acct.revenue }],
  });
  const approved = await doc('POST /accounting/invoices/{invoice_id}/approve', [inv.body.data.id], {});
  expect(approved).toMatchObject({ status: 'approved', total: '80.00' });
  expect(await doc('POST /accounting/invoices/{invoice_id}/void', [approved.id], {})).toMatchObject({ status: 'void' });
  const pay = await call('POST', 'accounting/payments', {
    type: 'receipt',
    amount: '10.00',
    date: '2025-03-11',
    bank_account_id: bank,
    contact_name: 'Acme',
  });
  expect(pay.status, JSON.stringify(pay.body)).toBe(201);
  expect(await doc('POST /accounting/payments/{payment_id}/void', [pay.body.data.id], {})).toMatchObject({ status: 'void' });
});

it('recurring run (201) and periods close and reopen', async () => {
  const rec = await call('POST', 'accounting/recurring', {
    name: 'Top-up',
    frequency: 'monthly',
    next_run: '2025-04-01',
    template: {
      description: 'top-up',
      lines: [
        { account_id: acct.cash, debit: '5.00' },
        { account_id: acct.equity, credit: '5.00' },
      ],
    },
  });
  const run = await doc('POST /accounting/recurring/{recurring_id}/execute', [rec.body.data.id], {});
  expect(run).toMatchObject({ recurring_id: rec.body.data.id, run_date: '2025-04-01', next_run: '2025-05-01' });
  const period = await call('POST', 'accounting/periods', { name: 'Q2', start_date: '2025-04-01', end_date: '2025-06-30' });
  expect(await doc('POST /accounting/periods/{period_id}/close', [period.body.data.id], {})).toMatchObject({ status: 'closed' });
  expect(await doc('POST /accounting/periods/{period_id}/reopen', [period.body.data.id], {})).toMatchObject({
    status: 'open',
    closed_at: null,
  });
});
