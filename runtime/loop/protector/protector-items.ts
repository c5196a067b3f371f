/**
 * The LOOP Protector item state machine. Each action locks the item, checks the move is allowed
 * (409 naming the current status otherwise), changes the status and writes what the move means:
 * a recovery case (report-lost / report-stolen), the case's progress (mark-found / mark-recovered),
 * or the ownership chain (transfer-ownership).
 *
 *   registered | recovered | transferred ──report-lost──▶ lost
 *   registered | recovered | transferred | lost ──report-stolen──▶ stolen
 *   lost | stolen ──mark-found──▶ found
 *   lost | stolen | found ──mark-recovered──▶ recovered
 *   registered | recovered | transferred ──transfer-ownership──▶ transferred
 */
import type { Knex } from 'knex';
import {
  protectorItemResource as items,
  protectorOwnershipRecordResource as ownershipRecords,
  protectorRecoveryCaseResource as recoveryCases,
} from '../../../generated/loop/server/protector.ts';
import { notFound } from '../../http/api-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { companyId, userId } from '../handler-kit/tenant.ts';
import { assertTransition } from '../handler-kit/transitions.ts';
import { fetchRow } from '../handler-kit/rows.ts';

export const FROM = {
  'report-lost': ['registered', 'recovered', 'transferred'],
  'report-stolen': ['registered', 'recovered', 'transferred', 'lost'],
  'mark-found': ['lost', 'stolen'],
  'mark-recovered': ['lost', 'stolen', 'found'],
  'transfer-ownership': ['registered', 'recovered', 'transferred'],
} as const;
type Move = keyof typeof FROM;

interface ItemRow {
  id: number | string;
  status: string;
  owner_name: string;
  owner_phone: string | null;
  owner_email: string | null;
  currency: string;
  created_at: Date | string;
}

async function begin(a: ActionContext, move: Move) {
  const company = companyId(a);
  const item = (await a
    .trx(items.table)
    .where({ id: a.params.id, company_id: company })
    .whereNull('deleted_at')
    .forUpdate()
    .first('id', 'status', 'owner_name', 'owner_phone', 'owner_email', 'currency', 'created_at')) as ItemRow | undefined;
  if (!item) throw notFound(`Item ${a.params.id} not found.`);
  assertTransition(`Item ${item.id}`, move, item.status, FROM[move]);
  const now = new Date();
  const stamp = { company_id: company, created_at: now, updated_at: now, created_by: userId(a) };
  return { company, item, now, stamp };
}

async function setStatus(a: ActionContext, item: ItemRow, to: string, now: Date, move: Move, extra: Record<string, unknown> = {}) {
  await a
    .trx(items.table)
    .where({ id: item.id })
    .update({ status: to, status_changed_at: now, updated_at: now, ...extra });
  await a.audit({ action: move, resource: items.id, recordId: item.id, changes: { status: [item.status, to] } });
}

const when = (v: unknown, fallback: Date) => (typeof v === 'string' ? new Date(v) : fallback);

function report(kind: 'lost' | 'stolen') {
  const move: Move = kind === 'lost' ? 'report-lost' : 'report-stolen';
  // One handler for both reports: the stolen body adds the police fields, the lost body has none of them.
  return async (
    a: ActionContext<Partial<LoopArgs<'protector.reportLost'>['body'] & LoopArgs<'protector.reportStolen'>['body']>>,
  ): Promise<ActionResult> => {
    const { company, item, now, stamp } = await begin(a, move);
    const b = a.body;
    // lost → stolen: the same disappearance, now known to be a theft; its case is re-classified, not duplicated.
    const open = await openCase(a.trx, item.id);
    const values = {
      kind,
      reported_at: when(kind === 'lost' ? b.lost_at : b.stolen_at, now),
      location: b.location ?? null,
      description: b.description ?? null,
      police_report_number: b.police_report_number ?? null,
      police_station: b.police_station ?? null,
      contact_phone: b.contact_phone ?? null,
    };
    let caseId: number | string;
    if (open) {
      await a
        .trx(recoveryCases.table)
        .where({ id: open.id })
        .update({ ...values, updated_at: now });
      caseId = open.id;
    } else {
      const [row] = await a
        .trx(recoveryCases.table)
        .insert({ ...stamp, ...values, item_id: item.id, status: 'open' })
        .returning('id');
      caseId = (row as { id: number | string }).id;
    }
    await setStatus(a, item, kind, now, move);
    await a.audit({
      action: open ? 'update' : 'create',
      resource: recoveryCases.id,
      recordId: caseId,
      changes: { item: Number(item.id), kind },
    });
    return { status: open ? 200 : 201, body: await fetchRow(a.trx, recoveryCases, company, caseId, 'Recovery case') };
  };
}

async function openCase(trx: Knex, item: number | string) {
  return (await trx(recoveryCases.table)
    .where({ item_id: item })
    .whereIn('status', ['open', 'found'])
    .whereNull('deleted_at')
    .orderBy('reported_at', 'desc')
    .first('id', 'notes')) as { id: number | string; notes: string | null } | undefined;
}

const appendNote = (old: string | null, note: string | undefined) => (note ? (old ? `${old}\n${note}` : note) : old);

function progress(move: 'mark-found' | 'mark-recovered') {
  return async (
    a: ActionContext<Partial<LoopArgs<'protector.markFound'>['body'] & LoopArgs<'protector.markRecovered'>['body']>>,
  ): Promise<ActionResult> => {
    const { company, item, now } = await begin(a, move);
    const b = a.body;
    const open = await openCase(a.trx, item.id);
    if (open) {
      const change =
        move === 'mark-found'
          ? {
              status: 'found',
              found_at: when(b.found_at, now),
              location: b.location ?? undefined,
              notes: appendNote(
                open.notes,
                [b.finder_name && `Found by ${b.finder_name}${b.finder_phone ? ` (${b.finder_phone})` : ''}`, b.notes]
                  .filter(Boolean)
                  .join('. ') || undefined,
              ),
            }
          : { status: 'recovered', recovered_at: when(b.recovered_at, now), notes: appendNote(open.notes, b.notes) };
      await a
        .trx(recoveryCases.table)
        .where({ id: open.id })
        .update({ ...change, updated_at: now });
      await a.audit({ action: 'update', resource: recoveryCases.id, recordId: open.id, changes: { status: change.status } });
    }
    await setStatus(a, item, move === 'mark-found' ? 'found' : 'recovered', now, move);
    return { body: await fetchRow(a.trx, items, company, item.id, 'Item') };
  };
}

async function transferOwnership(a: LoopArgs<'protector.transferOwnership'>): Promise<ActionResult> {
  const { company, item, now, stamp } = await begin(a, 'transfer-ownership');
  const b = a.body;
  const current = await a.trx(ownershipRecords.table).where({ item_id: item.id }).whereNull('ended_at').whereNull('deleted_at').first('id');
  if (current) {
    await a.trx(ownershipRecords.table).where({ item_id: item.id }).whereNull('ended_at').update({ ended_at: now, updated_at: now });
  } else {
    // The chain starts with the registering owner, written now that there is a second link.
    await a.trx(ownershipRecords.table).insert({
      ...stamp,
      item_id: item.id,
      owner_name: item.owner_name,
      owner_phone: item.owner_phone,
      owner_email: item.owner_email,
      reason: 'registration',
      currency: item.currency,
      started_at: item.created_at,
      ended_at: now,
    });
  }
  const [row] = await a
    .trx(ownershipRecords.table)
    .insert({
      ...stamp,
      item_id: item.id,
      owner_name: b.new_owner_name,
      owner_phone: b.new_owner_phone ?? null,
      owner_email: b.new_owner_email ?? null,
      reason: b.reason,
      price: b.price ?? null,
      currency: item.currency,
      started_at: now,
      notes: b.notes ?? null,
    })
    .returning('id');
  const recordId = (row as { id: number | string }).id;
  await setStatus(a, item, 'transferred', now, 'transfer-ownership', {
    owner_name: b.new_owner_name,
    owner_phone: b.new_owner_phone ?? null,
    owner_email: b.new_owner_email ?? null,
    owner_user_id: null,
  });
  await a.audit({ action: 'create', resource: ownershipRecords.id, recordId, changes: { item: Number(item.id), reason: b.reason } });
  return { status: 201, body: await fetchRow(a.trx, ownershipRecords, company, recordId, 'Ownership record') };
}

export const protectorItemHandlers = {
  'protector.reportLost': report('lost'),
  'protector.reportStolen': report('stolen'),
  'protector.markFound': progress('mark-found'),
  'protector.markRecovered': progress('mark-recovered'),
  'protector.transferOwnership': transferOwnership,
};
