/** Invoices (approve / void) and payments (create / void) booked through the journal. */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { newId } from '../../security/random-ids.ts';
import { bookEntry, reverseEntry } from '../accounting/ledger.ts';
import { amount, dateOf, today } from '../accounting/money.ts';
import { INVOICES, OUTSTANDING, PAYMENTS, controlAccount, invoiceBooking, isPurchase } from '../accounting/invoices.ts';
import { actorOf, bodyOf, iso, param, tenantOf } from '../http/action-context.ts';
import { T } from '../tables.ts';

const DATES = (a: ActionContext) => [a.trx.raw('date::text as date')];

async function invoiceRow(a: ActionContext) {
  const row = await a
    .trx(INVOICES)
    .where({ company_id: tenantOf(a), id: param(a, 'invoice_id') })
    .first(
      '*',
      ...DATES(a),
      a.trx.raw('due_date::text as due_date'),
      a.trx.raw('subtotal::numeric(18,2)::text as subtotal'),
      a.trx.raw('tax_total::numeric(18,2)::text as tax_total'),
      a.trx.raw('total::numeric(18,2)::text as total'),
    );
  if (!row) throw notFound('Invoice not found.');
  return row;
}

const invoiceView = (r: Record<string, unknown>) => ({
  id: r.id,
  type: r.type,
  contact_name: r.contact_name,
  date: r.date,
  due_date: r.due_date,
  lines: r.lines,
  currency: r.currency,
  notes: r.notes,
  status: r.status,
  subtotal: r.subtotal,
  tax_total: r.tax_total,
  total: r.total,
  journal_entry_id: r.journal_entry_id,
  updated_at: iso(r.updated_at),
});

async function paymentRow(a: ActionContext, id: string) {
  const row = await a
    .trx(PAYMENTS)
    .where({ company_id: tenantOf(a), id })
    .first('*', ...DATES(a), a.trx.raw('amount::numeric(18,2)::text as amount'));
  if (!row) throw notFound('Payment not found.');
  return row;
}

const paymentView = (r: Record<string, unknown>) => ({
  id: r.id,
  type: r.type,
  contact_name: r.contact_name,
  date: r.date,
  amount: r.amount,
  method: r.method,
  bank_account_id: r.bank_account_id,
  reference: r.reference,
  allocations: r.allocations,
  status: r.status,
  journal_entry_id: r.journal_entry_id,
  created_at: iso(r.created_at),
});

export const invoiceAndPaymentActions = {
  approveInvoice: async (a) => {
    const tenant = tenantOf(a);
    const inv = await invoiceRow(a);
    if (inv.status !== 'draft') throw conflict(`Only draft invoices can be approved; this one is ${inv.status}.`, 'invoice_not_draft');
    const booking = await invoiceBooking(a.trx, tenant, inv);
    const entryId = await bookEntry(
      a.trx,
      tenant,
      {
        date: inv.date ?? today(),
        description: `${isPurchase(inv.type) ? 'Bill' : 'Invoice'} ${inv.id}${inv.contact_name ? ` — ${inv.contact_name}` : ''}`,
        reference: inv.id,
        currency: inv.currency,
        lines: booking.lines,
        source: { type: 'invoice', id: inv.id },
      },
      actorOf(a),
    );
    await a
      .trx(INVOICES)
      .where({ id: inv.id })
      .update({
        status: 'approved',
        subtotal: booking.subtotal,
        tax_total: booking.tax_total,
        total: booking.total,
        journal_entry_id: entryId,
        date: inv.date ?? today(),
        updated_at: a.trx.fn.now(),
      });
    return { body: invoiceView(await invoiceRow(a)) };
  },
  /** A draft is just marked void; an approved invoice without payments has its entry reversed. */
  voidInvoice: async (a) => {
    const tenant = tenantOf(a);
    const inv = await invoiceRow(a);
    if (inv.status === 'void') throw conflict('The invoice is already void.', 'invoice_void');
    if (inv.status === 'approved') {
      const paid = (
        await a.trx.raw(
          `select count(*)::int as n from pf_payments p cross join lateral jsonb_array_elements(case when jsonb_typeof(p.allocations) = 'array' then p.allocations else '[]'::jsonb end) al
          where p.company_id = ? and p.status = 'posted' and al->>'invoice_id' = ?`,
          [tenant, inv.id],
        )
      ).rows[0].n;
      if (paid) throw conflict('Payments are allocated to this invoice; void them first.', 'invoice_has_payments');
      if (inv.journal_entry_id)
        await reverseEntry(
          a.trx,
          tenant,
          inv.journal_entry_id,
          { date: bodyOf(a).date ?? today(), description: `Void of invoice ${inv.id}` },
          actorOf(a),
        );
    }
    await a.trx(INVOICES).where({ id: inv.id }).update({ status: 'void', updated_at: a.trx.fn.now() });
    return { body: invoiceView(await invoiceRow(a)) };
  },
  /**
   * Receipt (default) or payment against a bank account; allocations `[{invoice_id, amount}]` must
   * reach approved invoices of the matching kind, within their outstanding amount and the payment.
   */
  createPayment: async (a) => {
    const tenant = tenantOf(a);
    const b = bodyOf(a);
    const type = String(b.type ?? 'receipt').toLowerCase();
    if (!['receipt', 'payment'].includes(type)) throw validation({ type: ['must be receipt (money in) or payment (money out)'] });
    const total = amount(b.amount, 'amount');
    const date = dateOf(b.date, 'date', today());
    const bank = await a
      .trx(T.bankAccounts)
      .where({ company_id: tenant, id: String(b.bank_account_id ?? '') })
      .first();
    if (!bank) throw validation({ bank_account_id: ['must be a bank account of this tenant'] });
    if (!bank.gl_account_id)
      throw conflict('The bank account has no gl_account_id (its ledger account); set one first.', 'bank_account_unlinked');
    const allocations = (Array.isArray(b.allocations) ? b.allocations : []).map((x, i) => {
      const o = (x && typeof x === 'object' ? x : {}) as Record<string, unknown>;
      if (typeof o.invoice_id !== 'string') throw validation({ [`allocations[${i}].invoice_id`]: ['is required'] });
      return { invoice_id: o.invoice_id, amount: amount(o.amount, `allocations[${i}].amount`) };
    });
    const json = JSON.stringify(allocations);
    const check = (
      await a.trx.raw(
        `with al as (select x->>'invoice_id' as invoice_id, sum((x->>'amount')::numeric) as amount from jsonb_array_elements(?::jsonb) x group by 1),
            o as (${OUTSTANDING()})
       select al.invoice_id, o.id is not null as found, o.type, (o.outstanding >= al.amount) as fits, o.outstanding::numeric(18,2)::text as outstanding,
              (select coalesce(sum(amount), 0) from al) <= ?::numeric as within
         from al left join o on o.id = al.invoice_id`,
        [json, date, tenant, date, total],
      )
    ).rows;
    for (const c of check) {
      if (!c.found) throw validation({ allocations: [`invoice ${c.invoice_id} is not an approved invoice dated on or before ${date}`] });
      if (isPurchase(c.type) !== (type === 'payment'))
        throw validation({
          allocations: [
            `invoice ${c.invoice_id} is a ${isPurchase(c.type) ? 'purchase' : 'sales'} invoice; it takes a ${isPurchase(c.type) ? 'payment' : 'receipt'}`,
          ],
        });
      if (!c.fits) throw validation({ allocations: [`invoice ${c.invoice_id} has ${c.outstanding} outstanding`] });
      if (!c.within) throw validation({ allocations: ['allocations exceed the payment amount'] });
    }
    const control = await controlAccount(a.trx, tenant, type === 'receipt' ? 'accounts_receivable' : 'accounts_payable');
    const id = newId('pay');
    const money = (account_id: string, debit: boolean) => ({
      account_id,
      description: null,
      debit: debit ? total : '0',
      credit: debit ? '0' : total,
    });
    const entryId = await bookEntry(
      a.trx,
      tenant,
      {
        date,
        description: `${type === 'receipt' ? 'Receipt' : 'Payment'} ${id}${b.contact_name ? ` — ${b.contact_name}` : ''}`,
        reference: typeof b.reference === 'string' ? b.reference : id,
        lines:
          type === 'receipt'
            ? [money(bank.gl_account_id, true), money(control, false)]
            : [money(control, true), money(bank.gl_account_id, false)],
        source: { type: 'payment', id },
      },
      actorOf(a),
    );
    await a.trx(PAYMENTS).insert({
      id,
      company_id: tenant,
      type,
      contact_name: b.contact_name ?? null,
      date,
      amount: total,
      method: b.method ?? null,
      bank_account_id: bank.id,
      reference: b.reference ?? null,
      allocations: json,
      status: 'posted',
      journal_entry_id: entryId,
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: paymentView(await paymentRow(a, id)) };
  },
  voidPayment: async (a) => {
    const p = await paymentRow(a, param(a, 'payment_id'));
    if (p.status === 'void') throw conflict('The payment is already void.', 'payment_void');
    if (p.journal_entry_id)
      await reverseEntry(
        a.trx,
        tenantOf(a),
        p.journal_entry_id,
        { date: bodyOf(a).date ?? today(), description: `Void of payment ${p.id}` },
        actorOf(a),
      );
    await a.trx(PAYMENTS).where({ id: p.id }).update({ status: 'void', updated_at: a.trx.fn.now() });
    return { body: paymentView(await paymentRow(a, p.id)) };
  },
} satisfies Record<string, ActionHandler>;
