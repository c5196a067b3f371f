/**
 * LOOP POS actions (spec/loop/pos.yaml). `pos/daily-summary/`: one day's sales (company time zone) —
 * count, gross, discounts, tax, refunds and net — overall, per payment method, per register, and the
 * best-selling items from the sales' line items. Voided sales are left out; refunded sales count as
 * sales and their totals as refunds.
 */
import type { Knex } from 'knex';
import { posRegisterResource as registerResource, posSaleResource as saleResource } from '../../../generated/loop/server/pos.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { companyId, companyTimezone } from '../handler-kit/tenant.ts';

const sumText = (col: string, alias: string, where?: string) =>
  `coalesce(sum(${col})${where ? ` filter (where ${where})` : ''}, 0)::numeric(14,2)::text as ${alias}`;
const TOTALS = [
  'count(*)::int as sales_count',
  sumText('s.total', 'gross_total'),
  sumText('s.discount_total', 'discount_total'),
  sumText('s.tax_total', 'tax_total'),
  sumText('s.total', 'refunds_total', "s.status = 'refunded'"),
  sumText("case when s.status = 'refunded' then 0 else s.total end", 'net_total'),
].join(', ');

type Row = Record<string, unknown>;
/** A JSON number or numeric string; written without `?`, which knex.raw would read as a binding. */
const NUMBER_RE = "'^-{0,1}[0-9]+([.][0-9]+){0,1}$'";
const totals = (r: Row | undefined) => ({
  sales_count: Number(r?.sales_count ?? 0),
  gross_total: String(r?.gross_total ?? '0.00'),
  discount_total: String(r?.discount_total ?? '0.00'),
  tax_total: String(r?.tax_total ?? '0.00'),
  refunds_total: String(r?.refunds_total ?? '0.00'),
  net_total: String(r?.net_total ?? '0.00'),
});

async function today(db: Knex, tz: string): Promise<string> {
  const r = await db.raw('select (now() at time zone ?)::date::text as d', [tz]);
  return String(r.rows[0].d);
}

async function dailySummary(a: LoopArgs<'pos.dailySummary'>): Promise<ActionResult> {
  const db = a.trx;
  const company = companyId(a);
  const tz = await companyTimezone(db, company);
  const date = a.query.date ?? (await today(db, tz));
  const sales = () => {
    const q = db(`${saleResource.table} as s`)
      .join(`${registerResource.table} as r`, 'r.id', 's.register_id')
      .where('s.company_id', company)
      .whereNull('s.deleted_at')
      .whereNot('s.status', 'voided')
      .whereRaw('(s.sold_at at time zone ?)::date = ?::date', [tz, date]);
    if (a.query.register !== undefined) q.where('s.register_id', a.query.register);
    if (a.query.branch !== undefined) q.where('r.branch_id', a.query.branch);
    return q;
  };
  const [overall, currencies, byMethod, byRegister, byRegisterMethod, topItems] = (await Promise.all([
    sales().first(db.raw(TOTALS)),
    sales().distinct('s.currency').orderBy('s.currency'),
    sales().groupBy('s.payment_method').orderBy('s.payment_method').select('s.payment_method', db.raw(TOTALS)),
    sales()
      .groupBy('s.register_id', 'r.name', 's.currency')
      .orderBy(['r.name', 's.register_id'])
      .select('s.register_id', 'r.name', 's.currency', db.raw(TOTALS)),
    sales()
      .groupBy('s.register_id', 's.payment_method')
      .select('s.register_id', 's.payment_method', db.raw('count(*)::int as count'), db.raw(sumText('s.total', 'total'))),
    // Line items are JSON on the sale ([{item, name, quantity, unit_price, total}]); refunded sales sold nothing.
    sales()
      .whereNot('s.status', 'refunded')
      .joinRaw(
        "cross join lateral jsonb_array_elements(case when jsonb_typeof(s.items) = 'array' then s.items else '[]'::jsonb end) as li(v)",
      )
      .groupByRaw("coalesce(li.v->>'name', li.v->>'item')")
      .select(
        db.raw("coalesce(li.v->>'name', li.v->>'item') as name"),
        db.raw(`sum(case when (li.v->>'quantity') ~ ${NUMBER_RE} then (li.v->>'quantity')::numeric else 1 end)::text as quantity`),
        db.raw(`sum(case when (li.v->>'total') ~ ${NUMBER_RE} then (li.v->>'total')::numeric else 0 end)::numeric(14,2)::text as total`),
      )
      .orderByRaw('2 desc, 1')
      .limit(10),
  ])) as [Row | undefined, Row[], Row[], Row[], Row[], Row[]];

  const methodsOf = (register: unknown) =>
    Object.fromEntries(
      byRegisterMethod
        .filter((m) => String(m.register_id) === String(register))
        .map((m) => [m.payment_method, { count: Number(m.count), total: String(m.total) }]),
    );
  return {
    body: {
      date,
      // Amounts of different currencies are never added up meaningfully; say so instead of guessing one.
      currency: currencies.length === 1 ? currencies[0]!.currency : null,
      ...totals(overall),
      by_payment_method: Object.fromEntries(byMethod.map((m) => [m.payment_method, totals(m)])),
      by_register: byRegister.map((r) => ({
        register: Number(r.register_id),
        name: r.name,
        currency: r.currency,
        ...totals(r),
        by_payment_method: methodsOf(r.register_id),
      })),
      top_items: topItems.map((t) => ({ name: t.name, quantity: String(t.quantity), total: String(t.total) })),
    },
  };
}

export const posHandlers = {
  'pos.dailySummary': dailySummary,
} satisfies Partial<LoopHandlers>;
