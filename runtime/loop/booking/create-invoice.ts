/**
 * `POST booking/appointments/{id}/create-invoice/`: one LOOP Payments invoice per appointment, priced
 * from the appointment (its own price, else its service's), linked both ways (`appointment.invoice`,
 * `invoice.source = booking`, `source_id`). Idempotent: a second call answers 200 with the same invoice.
 * Runs in the request transaction with the appointment row locked, so two concurrent calls cannot
 * both create one.
 */
import type { Knex } from 'knex';
import {
  bookingAppointmentResource as appointments,
  bookingCustomerResource as customers,
  bookingServiceResource as services,
} from '../../../generated/loop/server/booking.ts';
import {
  paymentsInvoiceItemResource as invoiceItems,
  paymentsInvoiceResource as invoices,
} from '../../../generated/loop/server/payments.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { notFound, validation } from '../../http/api-error.ts';
import type { ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { companyId, companyTimezone, userId } from '../handler-kit/tenant.ts';
import { assertTransition } from '../handler-kit/transitions.ts';
import { fetchRow } from '../handler-kit/rows.ts';

const INVOICEABLE = ['pending', 'confirmed', 'checked_in', 'completed'];

/** Next `INV-<year>-NNNN` of the company, serialised by an advisory lock held until commit. */
async function nextInvoiceNumber(trx: Knex, company: number, year: number): Promise<string> {
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`loop:invoice-number:${company}`]);
  const prefix = `INV-${year}-`;
  const row = await trx(invoices.table)
    .where('company_id', company)
    .whereRaw("number ~ ('^' || ? || '[0-9]+$')", [prefix])
    .max({ n: trx.raw('substring(number from ?)::int', [`^${prefix}([0-9]+)$`]) })
    .first();
  const n = Number((row as { n?: unknown } | undefined)?.n ?? 0) + 1;
  return prefix + String(n).padStart(4, '0');
}

export async function createInvoice(a: LoopArgs<'booking.createInvoice'>): Promise<ActionResult> {
  const company = companyId(a);
  const { trx } = a;
  const body = a.body;
  const tz = await companyTimezone(trx, company);
  const appt = await trx(appointments.table)
    .where({ id: a.params.id, company_id: company })
    .whereNull('deleted_at')
    .forUpdate()
    .first(
      'id',
      'service_id',
      'customer_id',
      'status',
      'price',
      'currency',
      'invoice_id',
      'starts_at',
      'notes',
      trx.raw('(starts_at at time zone ?)::date::text as day', [tz]),
    );
  if (!appt) throw notFound(`Appointment ${a.params.id} not found.`);

  if (appt.invoice_id !== null) {
    const existing = await trx(invoices.table).where({ id: appt.invoice_id, company_id: company }).whereNull('deleted_at').first('id');
    if (existing) return { status: 200, body: await fetchRow(trx, invoices, company, appt.invoice_id, 'Invoice') };
  }
  assertTransition(`Appointment ${appt.id}`, 'create-invoice', appt.status, INVOICEABLE);

  const service = await trx(services.table)
    .where({ id: appt.service_id, company_id: company })
    .first('name', 'price', 'currency', 'duration_minutes');
  if (!service) throw notFound(`Service ${appt.service_id} of the appointment not found.`);
  const customer = await trx(customers.table)
    .where({ id: appt.customer_id, company_id: company })
    .first('first_name', 'last_name', 'email', 'phone');
  if (!customer) throw notFound(`Customer ${appt.customer_id} of the appointment not found.`);
  if (body.send_email && !customer.email) throw validation({ send_email: ['The customer has no email address.'] });

  // The appointment's own price wins (discounts, custom quotes); otherwise the service's list price.
  const unitPrice = String(appt.price ?? service.price ?? '0.00');
  const currency = appt.price !== null ? appt.currency : service.currency;
  const issueDate = new Date().toISOString().slice(0, 10);
  const dueDate = body.due_date ?? appt.day;
  if (dueDate < issueDate && body.due_date) throw validation({ due_date: ['Must not be before the issue date.'] });
  const customerName = [customer.first_name, customer.last_name].filter(Boolean).join(' ');
  const now = new Date();
  const stamp = { company_id: company, created_at: now, updated_at: now, created_by: userId(a) };

  const number = await nextInvoiceNumber(trx, company, now.getUTCFullYear());
  const [inv] = await trx(invoices.table)
    .insert({
      ...stamp,
      number,
      customer_name: customerName,
      customer_email: customer.email,
      customer_phone: customer.phone,
      issue_date: issueDate,
      due_date: dueDate < issueDate ? issueDate : dueDate,
      status: body.send_email ? 'sent' : 'draft',
      currency,
      subtotal: unitPrice,
      tax_total: '0.00',
      discount_total: '0.00',
      total: unitPrice,
      amount_paid: '0.00',
      source: 'booking',
      source_id: String(appt.id),
      notes: body.notes ?? null,
      sent_at: body.send_email ? now : null,
    })
    .returning('id');
  const invoiceId = (inv as { id: number | string }).id;
  const [item] = await trx(invoiceItems.table)
    .insert({
      ...stamp,
      invoice_id: invoiceId,
      description: `${service.name} (${appt.day}, ${service.duration_minutes} min)`.slice(0, 300),
      quantity: '1.00',
      unit_price: unitPrice,
      tax_rate: '0.00',
      discount: '0.00',
      line_total: unitPrice,
      position: 0,
    })
    .returning('id');
  await trx(appointments.table).where({ id: appt.id }).update({ invoice_id: invoiceId, updated_at: now });

  if (body.send_email) {
    await enqueueMail(trx, {
      to: customer.email,
      companyId: company,
      subject: `Invoice ${number}`,
      text: `Hello ${customerName},\n\nInvoice ${number} for ${service.name} on ${appt.day}: ${unitPrice} ${currency}.\n`,
      payload: { kind: 'invoice', invoice: Number(invoiceId), number },
    });
  }
  const invoice = await fetchRow(trx, invoices, company, invoiceId, 'Invoice');
  await a.audit({
    action: 'create',
    resource: invoices.id,
    recordId: invoiceId,
    changes: { source: 'booking', appointment: Number(appt.id), total: unitPrice },
  });
  await a.audit({
    action: 'create',
    resource: invoiceItems.id,
    recordId: (item as { id: number | string }).id,
    changes: { invoice: Number(invoiceId) },
  });
  await a.audit({
    action: 'create-invoice',
    resource: appointments.id,
    recordId: appt.id,
    changes: { invoice: [null, Number(invoiceId)] },
  });
  return { status: 201, body: invoice };
}
