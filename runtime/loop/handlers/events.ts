/**
 * LOOP Events actions (spec/loop/events.yaml): issue a registration's ticket code, and door check-in by
 * that code — once only (409 naming the registration's state on a second scan or a cancelled ticket).
 */
import { eventsRegistrationResource as registrations } from '../../../generated/loop/server/events.ts';
import { conflict, notFound } from '../../http/api-error.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';
import type { ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { ensureCode, ticketCode } from '../events/ticket-codes.ts';
import { companyId } from '../handler-kit/tenant.ts';
import { assertTransition } from '../handler-kit/transitions.ts';
import { fetchRow } from '../handler-kit/rows.ts';

const CHECKABLE = ['pending', 'confirmed', 'no_show'];

async function issueCode(a: LoopArgs<'events.issueCode'>): Promise<ActionResult> {
  const company = companyId(a);
  const r = await a
    .trx(registrations.table)
    .where({ id: a.params.id, company_id: company })
    .whereNull('deleted_at')
    .forUpdate()
    .first('id', 'status', 'code');
  if (!r) throw notFound(`Registration ${a.params.id} not found.`);
  // A cancelled registration gets no ticket, whether or not it already has a code.
  assertTransition(`Registration ${r.id}`, 'issue-code', r.status, ['pending', 'confirmed', 'checked_in', 'no_show']);
  if (!r.code) {
    const code = await ensureCode(a.trx, registrations.table, r.id, 'code', ticketCode);
    await a.trx(registrations.table).where({ id: r.id }).update({ updated_at: new Date() });
    await a.audit({ action: 'issue-code', resource: registrations.id, recordId: r.id, changes: { code: [null, code] } });
  }
  return { body: await fetchRow(a.trx, registrations, company, r.id, 'Registration') };
}

async function checkIn(a: LoopArgs<'events.checkIn'>): Promise<ActionResult> {
  const company = companyId(a);
  const body = a.body;
  const code = body.code.trim().toUpperCase();
  const r = await a
    .trx(registrations.table)
    .where({ company_id: company })
    .whereRaw('upper(code) = ?', [code])
    .whereNull('deleted_at')
    .forUpdate()
    .first('id', 'status', 'event_id', 'checked_in_at', 'attendee_name');
  if (!r) throw notFound(`No registration with ticket code "${body.code}".`);
  if (body.event !== undefined && Number(r.event_id) !== body.event) {
    throw conflict(`Ticket ${code} is for event ${r.event_id}, not event ${body.event}.`, 'wrong_event', {
      details: { event: Number(r.event_id) },
    });
  }
  if (r.status === 'checked_in') {
    const at = r.checked_in_at ? new Date(r.checked_in_at).toISOString() : 'earlier';
    throw conflict(`Registration ${r.id} is checked_in (since ${at}); a ticket admits once.`, 'already_checked_in', {
      details: { current_status: r.status, checked_in_at: at },
    });
  }
  assertTransition(`Registration ${r.id}`, 'check-in', r.status, CHECKABLE);
  const now = new Date();
  await a.trx(registrations.table).where({ id: r.id }).update({ status: 'checked_in', checked_in_at: now, updated_at: now });
  await a.audit({ action: 'check-in', resource: registrations.id, recordId: r.id, changes: { status: [r.status, 'checked_in'] } });
  return { body: await fetchRow(a.trx, registrations, company, r.id, 'Registration') };
}

export const eventsHandlers = {
  'events.issueCode': issueCode,
  'events.checkIn': checkIn,
} satisfies Partial<LoopHandlers>;
