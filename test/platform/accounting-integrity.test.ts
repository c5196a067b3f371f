/**
 * Books that cannot break: each rule is held by the API (a clear 4xx) and by PostgreSQL itself
 * (foreign keys ON DELETE RESTRICT, CHECK constraints, a unique index, triggers), so SQL written
 * around the API cannot break them either. Rules: spec/platform/accounting.yaml.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let tenant: string;
const acct: Record<string, string> = {};

async function account(key: string, code: string, type: string, sub_type?: string) {
  const r = await call('POST', 'accounting/accounts', { code, name: key, type, sub_type });
  expect(r.status).toBe(201);
  acct[key] = r.body.data.id;
}

const je = (date: string, lines: unknown[], post = true) =>
  call('POST', 'accounting/journal-entries', { date, description: 'test', lines, post });
const balanced = async () => (await call('GET', 'accounting/reports/balance-sheet?as_of=2030-12-31')).body.data.balanced;

/** ON DELETE RESTRICT: PostgreSQL answers foreign_key_violation, PGlite restrict_violation. */
const RESTRICTED = ['23503', '23001'];

/** The SQLSTATE PostgreSQL answers for `work` (run in its own transaction), or null when it commits. */
async function sqlState(work: (trx: Knex.Transaction) => Promise<unknown>): Promise<string | null> {
  try {
    await svc.db.transaction(async (trx) => {
      await work(trx);
    });
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'integrity-co'));
  await account('cash', '1000', 'asset');
  await account('ar', '1100', 'asset', 'accounts_receivable');
  await account('equity', '3000', 'equity');
  await account('revenue', '4000', 'revenue');
  await account('spare', '9000', 'expense');
  tenant = (await svc.db('pf_accounts').where({ id: acct.cash }).first('company_id')).company_id;
}, 180_000);
afterAll(async () => {
  await svc?.close();
});

describe('deletes of records others depend on', () => {
  it('a ledger account with posted lines: 409 DEPENDENCY_EXISTS without a confirm token, and the database refuses too', async () => {
    for (let i = 0; i < 3; i++)
      expect(
        (
          await je('2025-02-01', [
            { account_id: acct.cash, debit: '10.00' },
            { account_id: acct.equity, credit: '10.00' },
          ])
        ).status,
      ).toBe(201);
    const refused = await call('DELETE', `accounting/accounts/${acct.cash}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'DEPENDENCY_EXISTS',
      dependencies: [{ type: 'journal_lines', count: 3, label: 'Journal lines' }],
    });
    expect(refused.body.error.confirm_token).toBeUndefined();
    expect((await call('DELETE', `accounting/accounts/${acct.cash}?force=true&confirm_token=ct_guess`)).status).toBe(409);
    expect(await balanced()).toBe(true);
    expect(RESTRICTED).toContain(await sqlState((trx) => trx('pf_accounts').where({ id: acct.cash }).delete()));
    // An account nothing depends on still deletes.
    expect((await call('DELETE', `accounting/accounts/${acct.spare}`)).status).toBe(200);
  });

  it('a bank account with transactions and a payment: 409, and the database refuses too', async () => {
    const bank = (await call('POST', 'accounting/bank-accounts', { name: 'Main', gl_account_id: acct.cash })).body.data.id;
    expect(
      (await call('POST', `accounting/bank-accounts/${bank}/import`, { transactions: [{ date: '2025-02-02', amount: 5, type: 'credit' }] }))
        .status,
    ).toBe(201);
    const onlyTx = await call('DELETE', `accounting/bank-accounts/${bank}`);
    expect(onlyTx.status).toBe(409);
    expect(onlyTx.body.error).toMatchObject({ code: 'DEPENDENCY_EXISTS', dependencies: [{ type: 'bank_transactions', count: 1 }] });
    expect(onlyTx.body.error.confirm_token).toMatch(/^ct_/);
    expect(RESTRICTED).toContain(await sqlState((trx) => trx('pf_bank_accounts').where({ id: bank }).delete()));

    expect(
      (await call('POST', 'accounting/payments', { type: 'receipt', date: '2025-02-03', amount: '7.00', bank_account_id: bank })).status,
    ).toBe(201);
    const withPayment = await call('DELETE', `accounting/bank-accounts/${bank}`);
    expect(withPayment.status).toBe(409);
    expect(withPayment.body.error.dependencies.map((d: { type: string }) => d.type)).toContain('payments');
    expect(withPayment.body.error.confirm_token).toBeUndefined();
    // The ledger account behind the bank account is held by both.
    expect((await call('DELETE', `accounting/accounts/${acct.cash}`)).status).toBe(409);
    expect(await balanced()).toBe(true);
  });
});

describe('the chart of accounts', () => {
  it('account types are a closed set: 400 from the API, a CHECK constraint in the database', async () => {
    const banana = await call('POST', 'accounting/accounts', { code: '7777', name: 'Banana', type: 'banana' });
    expect(banana.status).toBe(400);
    expect(JSON.stringify(banana.body)).toContain('type');
    expect((await call('POST', 'accounting/accounts', { code: '7778', name: 'No type' })).status).toBe(400);
    expect((await call('PATCH', `accounting/accounts/${acct.revenue}`, { type: 'banana' })).status).toBe(400);
    expect(await sqlState((trx) => trx('pf_accounts').where({ id: acct.revenue }).update({ type: 'banana' }))).toBe('23514');
  });

  it('codes are unique per tenant: 409 naming the field, a unique index in the database; another tenant may reuse them', async () => {
    const dup = await call('POST', 'accounting/accounts', { code: '1000', name: 'Again', type: 'asset' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields).toEqual({ code: ['A record with this code already exists.'] });
    const other = client(svc, await adminKey(svc, 'integrity-other'));
    expect((await other('POST', 'accounting/accounts', { code: '1000', name: 'Theirs', type: 'asset' })).status).toBe(201);
    expect((await call('PATCH', `accounting/accounts/${acct.revenue}`, { code: '1000' })).status).toBe(409);
  });
});

describe('journal entries', () => {
  const draftWith = async (lines: { account_id: string; debit: string; credit: string }[], status: string) => {
    const id = `je_sql${Math.random().toString(36).slice(2, 10)}`;
    return sqlState(async (trx) => {
      await trx('pf_journal_entries').insert({
        id,
        company_id: tenant,
        date: '2025-02-10',
        status: 'draft',
        created_at: trx.fn.now(),
        updated_at: trx.fn.now(),
      });
      await trx('pf_journal_lines').insert(
        lines.map((l, i) => ({
          id: `${id}_${i}`,
          company_id: tenant,
          entry_id: id,
          line_no: i + 1,
          ...l,
          created_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        })),
      );
      await trx('pf_journal_entries').where({ id }).update({ status });
    });
  };

  it('a posted entry balances: an unbalanced one written by SQL fails at COMMIT (deferred constraint trigger)', async () => {
    expect(
      await draftWith(
        [
          { account_id: acct.cash, debit: '100.00', credit: '0' },
          { account_id: acct.revenue, debit: '0', credit: '99.00' },
        ],
        'posted',
      ),
    ).toBe('23514');
    expect(await draftWith([{ account_id: acct.cash, debit: '100.00', credit: '0' }], 'posted')).toBe('23514');
    // A draft may be unbalanced; a balanced posting commits.
    expect(
      await draftWith(
        [
          { account_id: acct.cash, debit: '100.00', credit: '0' },
          { account_id: acct.revenue, debit: '0', credit: '99.00' },
        ],
        'draft',
      ),
    ).toBeNull();
    expect(
      await draftWith(
        [
          { account_id: acct.cash, debit: '1.00', credit: '0' },
          { account_id: acct.revenue, debit: '0', credit: '1.00' },
        ],
        'posted',
      ),
    ).toBeNull();
    // Negative amounts and another tenant's account are refused by the database as well.
    expect(
      await draftWith(
        [
          { account_id: acct.cash, debit: '-5.00', credit: '0' },
          { account_id: acct.revenue, debit: '0', credit: '-5.00' },
        ],
        'draft',
      ),
    ).toBe('23514');
    const theirs = (await svc.db('pf_accounts').whereNot({ company_id: tenant }).first('id')).id;
    expect(
      await draftWith(
        [
          { account_id: theirs, debit: '1.00', credit: '0' },
          { account_id: acct.revenue, debit: '0', credit: '1.00' },
        ],
        'draft',
      ),
    ).toBe('23503');
    expect(await balanced()).toBe(true);
  });

  it('posted entries are immutable: the API answers 409, the database refuses edits, new lines and deletes', async () => {
    const e = (
      await je('2025-02-11', [
        { account_id: acct.cash, debit: '3.00' },
        { account_id: acct.revenue, credit: '3.00' },
      ])
    ).body.data;
    expect((await call('PATCH', `accounting/journal-entries/${e.id}`, { description: 'edited' })).status).toBe(409);
    expect((await call('DELETE', `accounting/journal-entries/${e.id}`)).status).toBe(409);
    expect(await sqlState((trx) => trx('pf_journal_lines').where({ entry_id: e.id, line_no: 1 }).update({ debit: '4.00' }))).toBe('23001');
    expect(await sqlState((trx) => trx('pf_journal_lines').where({ entry_id: e.id }).delete())).toBe('23001');
    expect(await sqlState((trx) => trx('pf_journal_entries').where({ id: e.id }).update({ date: '2025-02-12' }))).toBe('23001');
    expect(await sqlState((trx) => trx('pf_journal_entries').where({ id: e.id }).update({ status: 'draft' }))).toBe('23001');
    expect(await sqlState((trx) => trx('pf_journal_entries').where({ id: e.id }).delete())).toBe('23001');
    expect(
      await sqlState((trx) =>
        trx('pf_journal_lines').insert({
          id: 'jl_sneak',
          company_id: tenant,
          entry_id: e.id,
          account_id: acct.cash,
          line_no: 3,
          debit: '0',
          credit: '0',
          created_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        }),
      ),
    ).toBe('23001');
    // The correction is a reversal, which the rules allow.
    expect((await call('POST', `accounting/journal-entries/${e.id}/reverse`, {})).status).toBe(201);
    expect(await balanced()).toBe(true);
  });

  it('closed periods refuse postings from any writer, and stay frozen until reopened', async () => {
    const period = (await call('POST', 'accounting/periods', { name: 'Jun 2024', start_date: '2024-06-01', end_date: '2024-06-30' })).body
      .data.id;
    const draft = (
      await je(
        '2024-06-15',
        [
          { account_id: acct.cash, debit: '2.00' },
          { account_id: acct.revenue, credit: '2.00' },
        ],
        false,
      )
    ).body.data.id;
    await call('DELETE', `accounting/journal-entries/${draft}`);
    expect((await call('POST', `accounting/periods/${period}/close`, {})).status).toBe(200);
    const api = await je('2024-06-15', [
      { account_id: acct.cash, debit: '2.00' },
      { account_id: acct.revenue, credit: '2.00' },
    ]);
    expect(api.status).toBe(409);
    expect(api.body.error.code).toBe('PERIOD_CLOSED');
    expect(
      await sqlState(async (trx) => {
        await trx('pf_journal_entries').insert({
          id: 'je_closedsql',
          company_id: tenant,
          date: '2024-06-20',
          status: 'draft',
          created_at: trx.fn.now(),
          updated_at: trx.fn.now(),
        });
        await trx('pf_journal_entries').where({ id: 'je_closedsql' }).update({ status: 'posted' });
      }),
    ).toBe('23001');
    const moved = await call('PATCH', `accounting/periods/${period}`, { end_date: '2024-06-10' });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('PERIOD_CLOSED');
    expect((await call('DELETE', `accounting/periods/${period}`)).status).toBe(409);
    expect((await call('POST', `accounting/periods/${period}/reopen`, {})).status).toBe(200);
    expect(
      (
        await je('2024-06-15', [
          { account_id: acct.cash, debit: '2.00' },
          { account_id: acct.revenue, credit: '2.00' },
        ])
      ).status,
    ).toBe(201);
  });
});

describe('bank-transaction import keeps the direction', () => {
  it('credit 300 is money in (+300.00), debit 50 money out (−50.00), stored and reported with their type', async () => {
    const bank = (await call('POST', 'accounting/bank-accounts', { name: 'Feed', gl_account_id: acct.ar })).body.data.id;
    const imp = await call('POST', `accounting/bank-accounts/${bank}/import`, {
      transactions: [
        { date: '2025-04-01', amount: 300, type: 'credit', reference: 'IN' },
        { date: '2025-04-02', amount: 50, type: 'debit', reference: 'OUT' },
        { date: '2025-04-03', amount: '-7.25', reference: 'SIGNED' },
      ],
    });
    expect(imp.status).toBe(201);
    expect(imp.body.data.transactions.map((t: any) => [t.reference, t.amount, t.type])).toEqual([
      ['IN', '300.00', 'credit'],
      ['OUT', '-50.00', 'debit'],
      ['SIGNED', '-7.25', 'debit'],
    ]);
    const listed = (await call('GET', `accounting/bank-accounts/${bank}/transactions`)).body.data.transactions;
    expect(listed.map((t: any) => [t.reference, t.amount, t.type])).toEqual([
      ['SIGNED', '-7.25', 'debit'],
      ['OUT', '-50.00', 'debit'],
      ['IN', '300.00', 'credit'],
    ]);
    const one = (await call('GET', `accounting/bank-transactions/${listed[2].id}`)).body.data;
    expect(one).toMatchObject({ amount: '300.00', type: 'credit' });
    // The same line again is a duplicate; the opposite direction is not.
    expect(
      (
        await call('POST', `accounting/bank-accounts/${bank}/import`, {
          transactions: [{ date: '2025-04-02', amount: 50, type: 'debit', reference: 'OUT' }],
        })
      ).body.data,
    ).toMatchObject({ imported: 0, skipped: 1 });
    expect(
      (
        await call('POST', `accounting/bank-accounts/${bank}/import`, {
          transactions: [{ date: '2025-04-02', amount: 50, type: 'credit', reference: 'OUT' }],
        })
      ).body.data,
    ).toMatchObject({ imported: 1 });
    expect(
      (
        await call('POST', `accounting/bank-accounts/${bank}/import`, {
          transactions: [{ date: '2025-04-05', amount: -5, type: 'credit' }],
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call('POST', `accounting/bank-accounts/${bank}/import`, {
          transactions: [{ date: '2025-04-05', amount: 5, type: 'sideways' }],
        })
      ).status,
    ).toBe(400);
    expect(await sqlState((trx) => trx('pf_bank_transactions').where({ id: listed[2].id }).update({ type: 'debit' }))).toBe('23514');
  });
});
