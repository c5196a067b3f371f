/**
 * LOOP Payments actions (spec/loop/payments.yaml). `payments/reports/`: invoiced, collected and
 * outstanding totals by status, period and currency. Amounts are summed in SQL (numeric, exact) and
 * never across currencies; invoices count by issue date, money by the transaction's processed time
 * (created time when unprocessed) in the company's time zone.
 */
import type { Knex } from 'knex';
import {
  paymentsInvoiceResource as invoiceResource,
  paymentsTransactionResource as transactionResource,
} from '../../../generated/loop/server/payments.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { dateRange } from '../handler-kit/date-range.ts';
import { companyId, companyTimezone } from '../handler-kit/tenant.ts';

/** `sum(expr) [filter (where …)]` as exact text, 0.00 when there are no rows. */
const MONEY = (db: Knex, alias: string, expr: string, where?: string) =>
  db.raw(`coalesce(sum(${expr})${where ? ` filter (where ${where})` : ''}, 0)::numeric(14,2)::text as ??`, [alias]);
/** Net money in: payments minus refunds; adjustments are bookkeeping and left out. */
const NET = "case t.kind when 'payment' then t.amount when 'refund' then -t.amount else 0 end";
const OPEN = "i.status in ('sent', 'partially_paid', 'overdue')";

type Row = Record<string, unknown>;

async function reports(a: LoopArgs<'payments.reports'>): Promise<ActionResult> {
  const db = a.trx;
  const company = companyId(a);
  const { from, to } = dateRange(a.query);
  const groupBy = a.query.group_by;
  const currency = a.query.currency?.toUpperCase() ?? null;
  const tz = await companyTimezone(db, company);

  const invoices = () => {
    const q = db(`${invoiceResource.table} as i`)
      .where('i.company_id', company)
      .whereNull('i.deleted_at')
      .whereBetween('i.issue_date', [from, to]);
    if (currency) q.where('i.currency', currency);
    return q;
  };
  const txDay = db.raw('(coalesce(t.processed_at, t.created_at) at time zone ?)::date', [tz]);
  const money = () => {
    const q = db(`${transactionResource.table} as t`)
      .where({ 't.company_id': company, 't.status': 'succeeded' })
      .whereNull('t.deleted_at')
      .whereRaw('? between ?::date and ?::date', [txDay, from, to]);
    if (currency) q.where('t.currency', currency);
    return q;
  };
  // group_by is one of the validated enum values (day | week | month), never free text.
  const period = (expr: Knex.Raw | string) =>
    db.raw(`date_trunc('${groupBy}', ?)::date::text as period`, [typeof expr === 'string' ? db.raw(expr) : expr]);

  const [byStatus, invByCurrency, txByCurrency, byMethod, invSeries, txSeries] = (await Promise.all([
    invoices()
      .groupBy('i.status', 'i.currency')
      .orderBy(['i.currency', 'i.status'])
      .select('i.status', 'i.currency', db.raw('count(*)::int as count'), MONEY(db, 'total', 'i.total')),
    invoices()
      .groupBy('i.currency')
      .select(
        'i.currency',
        db.raw("count(*) filter (where i.status <> 'void')::int as invoice_count"),
        MONEY(db, 'invoiced_total', 'i.total', "i.status <> 'void'"),
        MONEY(db, 'outstanding', 'i.total - i.amount_paid', OPEN),
      ),
    money()
      .groupBy('t.currency')
      .select('t.currency', MONEY(db, 'collected_total', NET)),
    money()
      .groupBy('t.method', 't.currency')
      .orderBy(['t.currency', 't.method'])
      .select('t.method', 't.currency', db.raw('count(*)::int as count'), MONEY(db, 'amount', NET)),
    invoices()
      .whereNot('i.status', 'void')
      .groupByRaw('1, 2')
      .select(period('i.issue_date'), 'i.currency', MONEY(db, 'invoiced', 'i.total')),
    money()
      .groupByRaw('1, 2')
      .select(period(txDay), 't.currency', MONEY(db, 'collected', NET)),
  ])) as Row[][];

  const currencies = [...new Set([...invByCurrency!, ...txByCurrency!].map((r) => String(r.currency)))].sort();
  const find = (rows: Row[], cur: string) => rows.find((r) => r.currency === cur);
  const byCurrency = currencies.map((cur) => ({
    currency: cur,
    invoice_count: Number(find(invByCurrency!, cur)?.invoice_count ?? 0),
    invoiced_total: String(find(invByCurrency!, cur)?.invoiced_total ?? '0.00'),
    collected_total: String(find(txByCurrency!, cur)?.collected_total ?? '0.00'),
    outstanding: String(find(invByCurrency!, cur)?.outstanding ?? '0.00'),
  }));

  const series = new Map<string, { period: string; currency: string; invoiced: string; collected: string }>();
  const slot = (r: Row) => {
    const key = `${r.period}|${r.currency}`;
    if (!series.has(key)) series.set(key, { period: String(r.period), currency: String(r.currency), invoiced: '0.00', collected: '0.00' });
    return series.get(key)!;
  };
  for (const r of invSeries!) slot(r).invoiced = String(r.invoiced);
  for (const r of txSeries!) slot(r).collected = String(r.collected);

  return {
    body: {
      from,
      to,
      group_by: groupBy,
      currency,
      by_currency: byCurrency,
      by_status: byStatus!.map((r) => ({ status: r.status, currency: r.currency, count: Number(r.count), total: String(r.total) })),
      by_method: byMethod!.map((r) => ({ method: r.method, currency: r.currency, count: Number(r.count), amount: String(r.amount) })),
      series: [...series.values()].sort((x, y) => x.period.localeCompare(y.period) || x.currency.localeCompare(y.currency)),
    },
  };
}

export const paymentsHandlers = {
  'payments.reports': reports,
} satisfies Partial<LoopHandlers>;
