/**
 * Bank feeds: imported statement lines (pf_bank_transactions, signed amounts: + money in, type
 * `credit`; − money out, type `debit`, as a bank statement names them), matched
 * to a booked journal entry whose net movement on the bank's ledger account equals the line's
 * amount, then reconciled. Reconciling reports the statement total against the ledger balance.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { newId } from '../../security/random-ids.ts';
import { amount, dateOf, isZero } from '../accounting/money.ts';
import { bodyOf, iso, param, tenantOf } from '../http/action-context.ts';
import { T } from '../tables.ts';

const TX = T.bankTransactions;

async function bankAccount(a: ActionContext) {
  const row = await a
    .trx(T.bankAccounts)
    .where({ company_id: tenantOf(a), id: param(a, 'bank_account_id') })
    .first();
  if (!row) throw notFound('Bank account not found.');
  return row;
}

const txSelect = (a: ActionContext) => [
  'id',
  'bank_account_id',
  a.trx.raw('date::text as date'),
  a.trx.raw('amount::numeric(18,2)::text as amount'),
  'type',
  'description',
  'reference',
  'status',
  'journal_entry_id',
  'reconciled_at',
];

const DIRECTIONS = ['credit', 'debit'] as const;

/**
 * A statement line's signed amount and type: `{amount: 300, type: 'credit'}` is +300 (money in),
 * `{amount: 50, type: 'debit'}` is −50; without `type` the sign decides. A sign that contradicts
 * the type is refused rather than guessed.
 */
export function direction(o: Record<string, unknown>, i: number): { amount: string; type: 'credit' | 'debit' } {
  const value = amount(o.amount, `transactions[${i}].amount`, true);
  const negative = value.startsWith('-');
  if (o.type === undefined || o.type === null || o.type === '') return { amount: value, type: negative ? 'debit' : 'credit' };
  const type = typeof o.type === 'string' ? o.type.toLowerCase() : '';
  if (!(DIRECTIONS as readonly string[]).includes(type))
    throw validation({ [`transactions[${i}].type`]: ['must be credit (money in) or debit (money out)'] });
  if (negative && type === 'credit') throw validation({ [`transactions[${i}].amount`]: ['a credit (money in) cannot be negative'] });
  const magnitude = negative ? value.slice(1) : value;
  return { amount: type === 'debit' && !isZero(magnitude) ? `-${magnitude}` : magnitude, type: type as 'credit' | 'debit' };
}
const txView = (r: Record<string, unknown>) => ({ ...r, reconciled_at: iso(r.reconciled_at) });

export const bankFeed = {
  /**
   * `transactions: [{date, amount, type?, description?, reference?}]` (type credit | debit, or a signed
   * amount); a line already imported (same date, signed amount, reference) is skipped.
   */
  importBankTransactions: async (a) => {
    const tenant = tenantOf(a);
    const bank = await bankAccount(a);
    const list = bodyOf(a).transactions;
    if (!Array.isArray(list) || list.length === 0)
      throw validation({ transactions: ['must be a non-empty array of {date, amount, description, reference}'] });
    const ids: string[] = [];
    let skipped = 0;
    for (const [i, t] of list.entries()) {
      const o = (t && typeof t === 'object' ? t : {}) as Record<string, unknown>;
      const date = dateOf(o.date, `transactions[${i}].date`);
      const { amount: value, type } = direction(o, i);
      const reference = o.reference == null ? null : String(o.reference);
      const dup = await a
        .trx(TX)
        .where({ company_id: tenant, bank_account_id: bank.id, date })
        .whereRaw('amount = ?::numeric', [value])
        .whereRaw('reference is not distinct from ?', [reference])
        .first('id');
      if (dup) {
        skipped += 1;
        continue;
      }
      const id = newId('btx');
      await a.trx(TX).insert({
        id,
        company_id: tenant,
        bank_account_id: bank.id,
        date,
        amount: value,
        type,
        description: o.description == null ? null : String(o.description),
        reference,
        status: 'unmatched',
        created_at: a.trx.fn.now(),
        updated_at: a.trx.fn.now(),
      });
      ids.push(id);
    }
    const rows = ids.length ? await a.trx(TX).whereIn('id', ids).select(txSelect(a)).orderBy(['date', 'id']) : [];
    return { status: 201, body: { imported: ids.length, skipped, transactions: rows.map(txView) } };
  },
  listBankTransactions: async (a) => {
    const bank = await bankAccount(a);
    const q = a.query;
    const base = () => {
      const b = a.trx(TX).where({ company_id: tenantOf(a), bank_account_id: bank.id });
      if (q.status) b.where({ status: String(q.status) });
      if (q.from) b.where('date', '>=', dateOf(q.from, 'from'));
      if (q.to) b.where('date', '<=', dateOf(q.to, 'to'));
      return b;
    };
    const limit = Math.min(Math.max(Number(q.limit) || 50, 1), 500);
    const offset = Math.max(Number(q.offset) || 0, 0);
    const rows = await base()
      .select(txSelect(a))
      .orderBy([
        { column: 'date', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit)
      .offset(offset);
    const total = Number((await base().count({ n: '*' }).first())?.n ?? 0);
    return { body: { transactions: rows.map(txView), total } };
  },
  matchBankTransaction: async (a) => {
    const tenant = tenantOf(a);
    const tx = await a
      .trx(TX)
      .where({ company_id: tenant, id: param(a, 'transaction_id') })
      .first();
    if (!tx) throw notFound('Bank transaction not found.');
    if (tx.status !== 'unmatched') throw conflict(`The transaction is already ${tx.status}.`, 'transaction_not_unmatched');
    const entryId = String(bodyOf(a).entry_id ?? '');
    const bank = await a.trx(T.bankAccounts).where({ company_id: tenant, id: tx.bank_account_id }).first();
    const m = (
      await a.trx.raw(
        `select e.id is not null as found, e.status in ('posted', 'reversed') as booked,
              coalesce((select sum(l.debit - l.credit) from pf_journal_lines l where l.company_id = e.company_id and l.entry_id = e.id and l.account_id = ?), 0) = t.amount as same,
              coalesce((select sum(l.debit - l.credit) from pf_journal_lines l where l.company_id = e.company_id and l.entry_id = e.id and l.account_id = ?), 0)::numeric(18,2)::text as movement
         from pf_bank_transactions t left join pf_journal_entries e on e.company_id = t.company_id and e.id = ?
        where t.id = ?`,
        [bank?.gl_account_id ?? '', bank?.gl_account_id ?? '', entryId, tx.id],
      )
    ).rows[0];
    if (!m.found) throw validation({ entry_id: ['must be a journal entry of this tenant'] });
    if (!m.booked) throw conflict('Only posted entries can be matched.', 'entry_not_posted');
    if (!m.same)
      throw conflict(`The entry moves ${m.movement} on the bank's ledger account; the statement line is ${tx.amount}.`, 'amount_mismatch');
    await a.trx(TX).where({ id: tx.id }).update({ status: 'matched', journal_entry_id: entryId, updated_at: a.trx.fn.now() });
    return { body: txView(await a.trx(TX).where({ id: tx.id }).first(txSelect(a))) };
  },
  reconcileBankAccount: async (a) => {
    const tenant = tenantOf(a);
    const bank = await bankAccount(a);
    const ids = bodyOf(a).transaction_ids;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string'))
      throw validation({ transaction_ids: ['must be an array of bank transaction ids'] });
    const rows = await a
      .trx(TX)
      .where({ company_id: tenant, bank_account_id: bank.id })
      .whereIn('id', ids as string[])
      .select('id', 'status');
    const missing = (ids as string[]).filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw validation({ transaction_ids: [`not transactions of this bank account: ${missing.join(', ')}`] });
    const unmatched = rows.filter((r) => r.status === 'unmatched').map((r) => r.id);
    if (unmatched.length)
      throw conflict(`Match these transactions to journal entries first: ${unmatched.join(', ')}.`, 'transactions_unmatched');
    const todo = rows.filter((r) => r.status === 'matched').map((r) => r.id);
    if (todo.length)
      await a.trx(TX).whereIn('id', todo).update({ status: 'reconciled', reconciled_at: a.trx.fn.now(), updated_at: a.trx.fn.now() });
    const t = (
      await a.trx.raw(
        `with s as (select (select coalesce(sum(amount), 0) from pf_bank_transactions where company_id = ? and bank_account_id = ? and status = 'reconciled') as st,
              (select coalesce(sum(l.debit - l.credit), 0) from pf_journal_lines l join pf_journal_entries e on e.company_id = l.company_id and e.id = l.entry_id and e.status in ('posted', 'reversed')
                where l.company_id = ? and l.account_id = ?) as led)
       select st::numeric(18,2)::text as st, led::numeric(18,2)::text as led, (led - st)::numeric(18,2)::text as diff from s`,
        [tenant, bank.id, tenant, bank.gl_account_id ?? ''],
      )
    ).rows[0];
    return {
      body: {
        reconciled: todo.length,
        already_reconciled: rows.length - todo.length,
        reconciled_statement_total: t.st,
        ledger_balance: t.led,
        unreconciled_difference: t.diff,
      },
    };
  },
} satisfies Record<string, ActionHandler>;
