/**
 * Invoices and payments in the ledger. Invoice lines are `{description, quantity, unit_price,
 * account_id, tax_code_id?}`; line net = round(quantity × unit_price, 2) and line tax =
 * round(net × rate / 100, 2) (tax-code `rate` is a percentage), both computed in SQL. Control
 * accounts are found by `sub_type`: `accounts_receivable` (sales), `accounts_payable` (purchase /
 * bill), `tax` (output and input tax). Approving books Dr AR / Cr revenue lines / Cr tax (sales) or
 * Dr expense lines / Dr tax / Cr AP (purchase). A payment books Dr bank GL / Cr AR (receipt) or
 * Dr AP / Cr bank GL (payment). Voids reverse those entries.
 */
import type { Knex } from 'knex';
import { conflict, validation } from '../../http/api-error.ts';
import { quantity, amount } from './money.ts';
import type { LineInput } from './ledger.ts';
import { T } from '../tables.ts';

export const INVOICES = T.invoices;
export const PAYMENTS = T.payments;

export const isPurchase = (type: unknown) => ['purchase', 'bill', 'payable'].includes(String(type ?? 'sales').toLowerCase());

/** Client lines → JSON with checked decimal strings (what the SQL below reads). */
export function normaliseInvoiceLines(v: unknown): Record<string, string | null>[] {
  if (!Array.isArray(v) || v.length === 0)
    throw validation({ lines: ['needs at least one line {description, quantity, unit_price, account_id}'] });
  return v.map((l, i) => {
    const o = (l && typeof l === 'object' ? l : {}) as Record<string, unknown>;
    if (typeof o.account_id !== 'string' || !o.account_id)
      throw validation({ [`lines[${i}].account_id`]: ['is required (the revenue or expense account)'] });
    return {
      description: typeof o.description === 'string' ? o.description : null,
      quantity: quantity(o.quantity, `lines[${i}].quantity`),
      unit_price: amount(o.unit_price, `lines[${i}].unit_price`),
      account_id: o.account_id,
      tax_code_id: typeof o.tax_code_id === 'string' && o.tax_code_id ? o.tax_code_id : null,
    };
  });
}

/** Per-line net and tax of a lines JSON value, in SQL (`lines` = a jsonb expression, `tenant` bound first). */
export const LINE_AMOUNTS = (lines: string) => `
  select x.ord, x.l->>'account_id' as account_id, x.l->>'description' as description, t.id as tax_code_id, t.code as tax_code, t.rate,
         round((x.l->>'quantity')::numeric * (x.l->>'unit_price')::numeric, 2) as net,
         round(round((x.l->>'quantity')::numeric * (x.l->>'unit_price')::numeric, 2) * coalesce(t.rate, 0) / 100, 2) as tax
    from jsonb_array_elements(${lines}) with ordinality as x(l, ord)
    left join pf_tax_codes t on t.company_id = ? and t.id = x.l->>'tax_code_id'`;

export async function controlAccount(trx: Knex, tenant: string | number, subType: string): Promise<string> {
  const row = await trx(T.accounts)
    .where({ company_id: tenant })
    .whereRaw('lower(sub_type) = ?', [subType])
    .whereRaw('coalesce(is_active, true)')
    .orderByRaw('code nulls last, id')
    .first('id');
  if (!row)
    throw conflict(
      `No active account with sub_type "${subType}": create one (POST /v1/accounting/accounts) to book this document.`,
      'control_account_missing',
    );
  return row.id;
}

/** Totals and the balanced journal lines of an invoice. */
export async function invoiceBooking(trx: Knex, tenant: string | number, inv: { id: string; type: unknown; lines: unknown }) {
  const lines = normaliseInvoiceLines(inv.lines);
  const unknownTax = lines.filter((l) => l.tax_code_id).map((l) => l.tax_code_id as string);
  if (unknownTax.length) {
    const found = await trx(T.taxCodes).where({ company_id: tenant }).whereIn('id', unknownTax).pluck('id');
    const missing = unknownTax.filter((t) => !found.includes(t));
    if (missing.length) throw validation({ lines: [`unknown tax code(s): ${[...new Set(missing)].join(', ')}`] });
  }
  const json = JSON.stringify(lines);
  const per = (
    await trx.raw(
      `select ord, account_id, description, net::numeric(18,2)::text as net, tax::numeric(18,2)::text as tax from (${LINE_AMOUNTS('?::jsonb')}) q order by ord`,
      [json, tenant],
    )
  ).rows;
  const tot = (
    await trx.raw(
      `select coalesce(sum(net), 0)::numeric(18,2)::text as subtotal, coalesce(sum(tax), 0)::numeric(18,2)::text as tax_total, coalesce(sum(net + tax), 0)::numeric(18,2)::text as total,
                                     coalesce(sum(tax), 0) > 0 as has_tax, coalesce(sum(net + tax), 0) > 0 as positive
                                from (${LINE_AMOUNTS('?::jsonb')}) q`,
      [json, tenant],
    )
  ).rows[0];
  if (!tot.positive) throw validation({ lines: ['the invoice total must be greater than zero'] });
  const purchase = isPurchase(inv.type);
  const control = await controlAccount(trx, tenant, purchase ? 'accounts_payable' : 'accounts_receivable');
  const side = (account_id: string, value: string, description: string | null, debit: boolean): LineInput => ({
    account_id,
    description,
    debit: debit ? value : '0',
    credit: debit ? '0' : value,
  });
  const out: LineInput[] = [side(control, tot.total, `Invoice ${inv.id}`, !purchase)];
  for (const l of per) if (!/^0(\.0+)?$/.test(l.net)) out.push(side(l.account_id, l.net, l.description, purchase));
  if (tot.has_tax) out.push(side(await controlAccount(trx, tenant, 'tax'), tot.tax_total, `Tax on invoice ${inv.id}`, purchase));
  return {
    lines: out,
    normalised: lines,
    subtotal: tot.subtotal as string,
    tax_total: tot.tax_total as string,
    total: tot.total as string,
  };
}

/**
 * Outstanding amount per approved invoice as of a date: total − allocations of posted payments
 * dated on or before it. `extra` narrows the invoices (SQL on alias i).
 */
export const OUTSTANDING = (extra = '') => `
  select i.id, i.type, i.contact_name, i.date::text as date, coalesce(i.due_date, i.date)::text as due_date, i.total,
         i.total - coalesce((select sum((al->>'amount')::numeric) from pf_payments p
                              cross join lateral jsonb_array_elements(case when jsonb_typeof(p.allocations) = 'array' then p.allocations else '[]'::jsonb end) al
                             where p.company_id = i.company_id and p.status = 'posted' and p.date <= ?::date and al->>'invoice_id' = i.id), 0) as outstanding
    from pf_invoices i where i.company_id = ? and i.status = 'approved' and i.date <= ?::date ${extra}`;
