/**
 * Financial statements, each one SQL query over booked journal lines (entries posted or reversed;
 * a reversal's mirror is booked too, so the pair nets to zero). Amounts are numeric sums sent as
 * text. Account types: asset and expense are debit-normal; liability, equity and revenue (alias
 * income) are credit-normal — a balance is shown in the account's normal direction.
 */
import type { Knex } from 'knex';

const BOOKED_JOIN = `from pf_journal_lines l join pf_journal_entries e on e.company_id = l.company_id and e.id = l.entry_id and e.status in ('posted', 'reversed')`;
/** Lower-cased type with `income` folded into `revenue`. */
const KIND = `(case lower(coalesce(a.type, '')) when 'income' then 'revenue' else lower(coalesce(a.type, '')) end)`;
const SIGNED = `(case when ${KIND} in ('asset', 'expense') then l.debit - l.credit else l.credit - l.debit end)`;

export async function trialBalance(db: Knex, tenant: string | number, asOf: string) {
  const rows = (
    await db.raw(
      `select a.id as account_id, a.code, a.name, ${KIND} as type,
            sum(l.debit)::numeric(18,2)::text as debits, sum(l.credit)::numeric(18,2)::text as credits,
            (case when sum(l.debit) >= sum(l.credit) then sum(l.debit) - sum(l.credit) else 0 end)::numeric(18,2)::text as debit_balance,
            (case when sum(l.credit) > sum(l.debit) then sum(l.credit) - sum(l.debit) else 0 end)::numeric(18,2)::text as credit_balance
       ${BOOKED_JOIN} join pf_accounts a on a.company_id = l.company_id and a.id = l.account_id
      where l.company_id = ? and e.date <= ?::date
      group by a.id, a.code, a.name, a.type order by a.code nulls last, a.id`,
      [tenant, asOf],
    )
  ).rows;
  const t = (
    await db.raw(
      `select coalesce(sum(l.debit), 0)::numeric(18,2)::text as debits, coalesce(sum(l.credit), 0)::numeric(18,2)::text as credits,
            coalesce(sum(l.debit), 0) = coalesce(sum(l.credit), 0) as balanced
       ${BOOKED_JOIN} where l.company_id = ? and e.date <= ?::date`,
      [tenant, asOf],
    )
  ).rows[0];
  return { as_of: asOf, accounts: rows, total_debits: t.debits, total_credits: t.credits, balanced: t.balanced };
}

async function byType(db: Knex, tenant: string | number, types: string[], where: string, args: Knex.RawBinding[]) {
  return (
    await db.raw(
      `select a.id as account_id, a.code, a.name, ${KIND} as type, sum(${SIGNED})::numeric(18,2)::text as balance
       ${BOOKED_JOIN} join pf_accounts a on a.company_id = l.company_id and a.id = l.account_id
      where l.company_id = ? and ${KIND} in (${types.map(() => '?').join(', ')}) and ${where}
      group by a.id, a.code, a.name, a.type having sum(${SIGNED}) <> 0 order by a.code nulls last, a.id`,
      [tenant, ...types, ...args],
    )
  ).rows;
}

export async function balanceSheet(db: Knex, tenant: string | number, asOf: string) {
  // One CTE: the accounting equation is checked in numeric, never in JS.
  const t = (
    await db.raw(
      `with s as (
       select coalesce(sum(case when ${KIND} = 'asset' then ${SIGNED} end), 0) as assets,
              coalesce(sum(case when ${KIND} = 'liability' then ${SIGNED} end), 0) as liabilities,
              coalesce(sum(case when ${KIND} = 'equity' then ${SIGNED} end), 0) as equity,
              coalesce(sum(case when ${KIND} in ('revenue', 'expense') then l.credit - l.debit end), 0) as earnings
         ${BOOKED_JOIN} join pf_accounts a on a.company_id = l.company_id and a.id = l.account_id
        where l.company_id = ? and e.date <= ?::date)
     select assets::numeric(18,2)::text, liabilities::numeric(18,2)::text, earnings::numeric(18,2)::text as retained_earnings, (equity + earnings)::numeric(18,2)::text as equity_total,
            (liabilities + equity + earnings)::numeric(18,2)::text as liabilities_and_equity, assets = liabilities + equity + earnings as balanced from s`,
      [tenant, asOf],
    )
  ).rows[0];
  return {
    as_of: asOf,
    assets: { accounts: await byType(db, tenant, ['asset'], 'e.date <= ?::date', [asOf]), total: t.assets },
    liabilities: { accounts: await byType(db, tenant, ['liability'], 'e.date <= ?::date', [asOf]), total: t.liabilities },
    equity: {
      accounts: await byType(db, tenant, ['equity'], 'e.date <= ?::date', [asOf]),
      retained_earnings: t.retained_earnings,
      total: t.equity_total,
    },
    total_liabilities_and_equity: t.liabilities_and_equity,
    balanced: t.balanced,
  };
}

export async function profitAndLoss(db: Knex, tenant: string | number, from: string, to: string) {
  const range = 'e.date between ?::date and ?::date';
  const t = (
    await db.raw(
      `select coalesce(sum(case when ${KIND} = 'revenue' then ${SIGNED} end), 0)::numeric(18,2)::text as revenue,
            coalesce(sum(case when ${KIND} = 'expense' then ${SIGNED} end), 0)::numeric(18,2)::text as expenses,
            coalesce(sum(case when ${KIND} in ('revenue', 'expense') then l.credit - l.debit end), 0)::numeric(18,2)::text as net_income
       ${BOOKED_JOIN} join pf_accounts a on a.company_id = l.company_id and a.id = l.account_id
      where l.company_id = ? and ${range}`,
      [tenant, from, to],
    )
  ).rows[0];
  return {
    from,
    to,
    revenue: { accounts: await byType(db, tenant, ['revenue'], range, [from, to]), total: t.revenue },
    expenses: { accounts: await byType(db, tenant, ['expense'], range, [from, to]), total: t.expenses },
    net_income: t.net_income,
  };
}

/** Per account: opening balance before `from`, each booked line in range with a running balance, closing. */
export async function generalLedger(db: Knex, tenant: string | number, from: string, to: string, accountId?: string) {
  const accounts = (
    await db.raw(
      `select a.id as account_id, a.code, a.name, ${KIND} as type,
            coalesce((select sum(${SIGNED}) ${BOOKED_JOIN} where l.company_id = a.company_id and l.account_id = a.id and e.date < ?::date), 0)::numeric(18,2)::text as opening_balance
       from pf_accounts a where a.company_id = ? ${accountId ? 'and a.id = ?' : ''}
        and exists (select 1 ${BOOKED_JOIN} where l.company_id = a.company_id and l.account_id = a.id and e.date <= ?::date)
      order by a.code nulls last, a.id`,
      [from, tenant, ...(accountId ? [accountId] : []), to],
    )
  ).rows;
  const lines = (
    await db.raw(
      `select l.account_id, e.id as entry_id, e.date::text as date, e.reference, coalesce(l.description, e.description) as description,
            l.debit::numeric(18,2)::text as debit, l.credit::numeric(18,2)::text as credit,
            (o.opening + sum(${SIGNED}) over (partition by l.account_id order by e.date, e.posted_at, e.id, l.line_no))::numeric(18,2)::text as balance
       ${BOOKED_JOIN} join pf_accounts a on a.company_id = l.company_id and a.id = l.account_id
       cross join lateral (select coalesce((select sum(case when ${KIND} in ('asset', 'expense') then l2.debit - l2.credit else l2.credit - l2.debit end)
              from pf_journal_lines l2 join pf_journal_entries e2 on e2.company_id = l2.company_id and e2.id = l2.entry_id and e2.status in ('posted', 'reversed')
             where l2.company_id = l.company_id and l2.account_id = l.account_id and e2.date < ?::date), 0) as opening) o
      where l.company_id = ? and e.date between ?::date and ?::date ${accountId ? 'and l.account_id = ?' : ''}
      order by l.account_id, e.date, e.posted_at, e.id, l.line_no`,
      [from, tenant, from, to, ...(accountId ? [accountId] : [])],
    )
  ).rows;
  const closing = (
    await db.raw(
      `select l.account_id, sum(${SIGNED})::numeric(18,2)::text as closing_balance, sum(case when e.date >= ?::date then l.debit else 0 end)::numeric(18,2)::text as debits,
            sum(case when e.date >= ?::date then l.credit else 0 end)::numeric(18,2)::text as credits
       ${BOOKED_JOIN} join pf_accounts a on a.company_id = l.company_id and a.id = l.account_id
      where l.company_id = ? and e.date <= ?::date group by l.account_id`,
      [from, from, tenant, to],
    )
  ).rows;
  const closeOf = new Map(closing.map((c: { account_id: string }) => [c.account_id, c]));
  return {
    from,
    to,
    accounts: accounts.map((a: { account_id: string }) => {
      const c = closeOf.get(a.account_id) as Record<string, string> | undefined;
      return {
        ...a,
        debits: c?.debits ?? '0.00',
        credits: c?.credits ?? '0.00',
        closing_balance: c?.closing_balance ?? '0.00',
        lines: lines.filter((l: { account_id: string }) => l.account_id === a.account_id),
      };
    }),
  };
}
