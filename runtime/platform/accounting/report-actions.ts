/**
 * Accounting reports (docs/api/platform-api.txt, "Accounting"), all computed in SQL from booked journal lines and
 * approved invoices: trial balance, balance sheet, profit and loss, general ledger, cash flow
 * (movement on cash accounts), aged receivables/payables, tax.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { dateOf, today } from '../accounting/money.ts';
import { balanceSheet, generalLedger, profitAndLoss, trialBalance } from '../accounting/statements.ts';
import { LINE_AMOUNTS, OUTSTANDING } from '../accounting/invoices.ts';
import { tenantOf } from '../http/action-context.ts';
import { T } from '../tables.ts';

const q = (a: ActionContext) => a.query;
const asOf = (a: ActionContext) => dateOf(q(a).as_of, 'as_of', today());

function range(a: ActionContext) {
  const to = dateOf(q(a).to, 'to', today());
  const from = dateOf(q(a).from, 'from', `${to.slice(0, 4)}-01-01`);
  if (from > to) throw validation({ from: ['must be on or before to'] });
  return { from, to };
}

const BUCKET = `(case when ?::date - due_date::date <= 0 then 'current' when ?::date - due_date::date <= 30 then '1_30'
                      when ?::date - due_date::date <= 60 then '31_60' when ?::date - due_date::date <= 90 then '61_90' else 'over_90' end)`;

async function aged(a: ActionContext, purchase: boolean) {
  const d = asOf(a);
  const kind = purchase
    ? `and lower(coalesce(i.type, 'sales')) in ('purchase', 'bill', 'payable')`
    : `and lower(coalesce(i.type, 'sales')) not in ('purchase', 'bill', 'payable')`;
  const base = `with o as (${OUTSTANDING(kind)}) select *, (?::date - due_date::date) as days_overdue, ${BUCKET} as bucket from o where outstanding > 0`;
  const args = [d, tenantOf(a), d, d, d, d, d, d];
  const invoices = (
    await a.trx.raw(
      `select id, contact_name, date, due_date, total::numeric(18,2)::text as total, outstanding::numeric(18,2)::text as outstanding, greatest(days_overdue, 0) as days_overdue, bucket from (${base}) x order by due_date, id`,
      args,
    )
  ).rows;
  const sums = (await a.trx.raw(`select bucket, sum(outstanding)::numeric(18,2)::text as amount from (${base}) x group by bucket`, args))
    .rows;
  const total = (await a.trx.raw(`select coalesce(sum(outstanding), 0)::numeric(18,2)::text as t from (${base}) x`, args)).rows[0].t;
  const buckets: Record<string, string> = { current: '0.00', '1_30': '0.00', '31_60': '0.00', '61_90': '0.00', over_90: '0.00' };
  for (const s of sums) buckets[s.bucket] = s.amount;
  return { as_of: d, buckets, total, invoices };
}

export const accountingReports = {
  trialBalanceReport: async (a) => {
    let d = asOf(a);
    if (q(a).period_id) {
      const p = await a
        .trx(T.periods)
        .where({ company_id: tenantOf(a), id: String(q(a).period_id) })
        .first(a.trx.raw('end_date::text as end_date'));
      if (!p?.end_date) throw notFound('Period not found (or it has no end_date).');
      d = p.end_date;
    }
    return { body: await trialBalance(a.trx, tenantOf(a), d) };
  },
  balanceSheetReport: async (a) => ({ body: await balanceSheet(a.trx, tenantOf(a), asOf(a)) }),
  profitAndLossReport: async (a) => {
    const r = range(a);
    return { body: await profitAndLoss(a.trx, tenantOf(a), r.from, r.to) };
  },
  generalLedgerReport: async (a) => {
    const r = range(a);
    const account = q(a).account_id ? String(q(a).account_id) : undefined;
    return { body: await generalLedger(a.trx, tenantOf(a), r.from, r.to, account) };
  },
  agedReceivablesReport: async (a) => ({ body: await aged(a, false) }),
  agedPayablesReport: async (a) => ({ body: await aged(a, true) }),
  /** Cash accounts: ledger accounts of bank accounts, or sub_type cash/bank. Direct method: money in and out. */
  cashFlowStatement: async (a) => {
    const { from, to } = range(a);
    const tenant = tenantOf(a);
    const cash = `(select gl_account_id from pf_bank_accounts where company_id = ? and gl_account_id is not null
                   union select id from pf_accounts where company_id = ? and lower(coalesce(sub_type, '')) in ('cash', 'bank'))`;
    const per = (
      await a.trx.raw(
        `with c as ${cash}, m as (
         select l.account_id, sum(case when e.date < ?::date then l.debit - l.credit else 0 end) as opening,
                sum(case when e.date >= ?::date then l.debit else 0 end) as inflows, sum(case when e.date >= ?::date then l.credit else 0 end) as outflows
           from pf_journal_lines l join pf_journal_entries e on e.company_id = l.company_id and e.id = l.entry_id and e.status in ('posted', 'reversed')
          where l.company_id = ? and l.account_id in (select * from c) and e.date <= ?::date group by l.account_id)
       select m.account_id, a.code, a.name, opening::numeric(18,2)::text as opening_balance, inflows::numeric(18,2)::text as inflows, outflows::numeric(18,2)::text as outflows,
              (inflows - outflows)::numeric(18,2)::text as net_change, (opening + inflows - outflows)::numeric(18,2)::text as closing_balance
         from m left join pf_accounts a on a.company_id = ? and a.id = m.account_id order by a.code nulls last, m.account_id`,
        [tenant, tenant, from, from, from, tenant, to, tenant],
      )
    ).rows;
    const tot = (
      await a.trx.raw(
        `with c as ${cash} select coalesce(sum(case when e.date < ?::date then l.debit - l.credit else 0 end), 0)::numeric(18,2)::text as opening_balance,
              coalesce(sum(case when e.date >= ?::date then l.debit else 0 end), 0)::numeric(18,2)::text as inflows,
              coalesce(sum(case when e.date >= ?::date then l.credit else 0 end), 0)::numeric(18,2)::text as outflows,
              coalesce(sum(case when e.date >= ?::date then l.debit - l.credit else 0 end), 0)::numeric(18,2)::text as net_change,
              coalesce(sum(l.debit - l.credit), 0)::numeric(18,2)::text as closing_balance
         from pf_journal_lines l join pf_journal_entries e on e.company_id = l.company_id and e.id = l.entry_id and e.status in ('posted', 'reversed')
        where l.company_id = ? and l.account_id in (select * from c) and e.date <= ?::date`,
        [tenant, tenant, from, from, from, from, tenant, to],
      )
    ).rows[0];
    return { body: { from, to, method: 'direct', ...tot, accounts: per } };
  },
  /** Per tax code, output tax (sales) and input tax (purchases) of approved invoices dated in range. */
  taxReport: async (a) => {
    const { from, to } = range(a);
    const tenant = tenantOf(a);
    const base = `select case when lower(coalesce(i.type, 'sales')) in ('purchase', 'bill', 'payable') then 'purchase' else 'sales' end as side, x.*
                    from pf_invoices i cross join lateral (${LINE_AMOUNTS(`case when jsonb_typeof(i.lines) = 'array' then i.lines else '[]'::jsonb end`)}) x
                   where i.company_id = ? and i.status = 'approved' and i.date between ?::date and ?::date and x.tax_code_id is not null`;
    const args = [tenant, tenant, from, to];
    const codes = (
      await a.trx.raw(
        `select tax_code_id, tax_code, rate::text as rate,
              sum(case when side = 'sales' then net else 0 end)::numeric(18,2)::text as sales_taxable, sum(case when side = 'sales' then tax else 0 end)::numeric(18,2)::text as output_tax,
              sum(case when side = 'purchase' then net else 0 end)::numeric(18,2)::text as purchase_taxable, sum(case when side = 'purchase' then tax else 0 end)::numeric(18,2)::text as input_tax
         from (${base}) b group by tax_code_id, tax_code, rate order by tax_code, tax_code_id`,
        args,
      )
    ).rows;
    const t = (
      await a.trx.raw(
        `select coalesce(sum(case when side = 'sales' then tax else 0 end), 0)::numeric(18,2)::text as output_tax, coalesce(sum(case when side = 'purchase' then tax else 0 end), 0)::numeric(18,2)::text as input_tax,
              coalesce(sum(case when side = 'sales' then tax else -tax end), 0)::numeric(18,2)::text as net_tax_payable from (${base}) b`,
        args,
      )
    ).rows[0];
    return { body: { from, to, tax_codes: codes, ...t } };
  },
} satisfies Record<string, ActionHandler>;
