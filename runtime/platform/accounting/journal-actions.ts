/**
 * Journal entries (draft → posted → reversed), accounting periods (close / reopen) and recurring
 * entries (execute now). The ledger rules live in runtime/platform/accounting/ledger.ts.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { newId } from '../../security/random-ids.ts';
import {
  ENTRIES,
  bookEntry,
  createEntry,
  deleteDraft,
  entryView,
  parseLines,
  postEntry,
  reverseEntry,
  updateDraft,
} from '../accounting/ledger.ts';
import { dateOf, today } from '../accounting/money.ts';
import { PERIODS } from '../accounting/periods.ts';
import { INVOICES } from '../accounting/invoices.ts';
import { actorOf, bodyOf, iso, param, tenantOf } from '../http/action-context.ts';
import { T } from '../tables.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : v == null ? null : String(v));

async function periodRow(a: ActionContext) {
  const row = await a
    .trx(PERIODS)
    .where({ company_id: tenantOf(a), id: param(a, 'period_id') })
    .first('*', a.trx.raw('start_date::text as start_date'), a.trx.raw('end_date::text as end_date'));
  if (!row) throw notFound('Period not found.');
  return row;
}

const periodView = (r: Record<string, unknown>) => ({
  id: r.id,
  name: r.name,
  start_date: r.start_date,
  end_date: r.end_date,
  status: r.status,
  closed_at: iso(r.closed_at),
  closed_by: r.closed_by ?? null,
});

/** next_run advanced by the frequency, in SQL date arithmetic. */
const STEP: Record<string, string> = {
  daily: '1 day',
  weekly: '7 days',
  monthly: '1 month',
  quarterly: '3 months',
  yearly: '1 year',
  annually: '1 year',
};

export const journalActions = {
  createJournalEntry: async (a) => {
    const b = bodyOf(a);
    const tenant = tenantOf(a);
    const id = await createEntry(
      a.trx,
      tenant,
      {
        date: dateOf(b.date, 'date', today()),
        description: str(b.description),
        reference: str(b.reference),
        currency: str(b.currency),
        lines: parseLines(b.lines),
        raw: b.lines,
      },
      actorOf(a),
    );
    if (b.post === true) await postEntry(a.trx, tenant, id);
    return { status: 201, body: await entryView(a.trx, tenant, id) };
  },
  getJournalEntry: async (a) => ({ body: await entryView(a.trx, tenantOf(a), param(a, 'id')) }),
  updateJournalEntry: async (a) => {
    const b = bodyOf(a);
    const tenant = tenantOf(a);
    const id = param(a, 'id');
    await updateDraft(
      a.trx,
      tenant,
      id,
      {
        date: b.date === undefined ? undefined : dateOf(b.date, 'date'),
        description: b.description === undefined ? undefined : str(b.description),
        reference: b.reference === undefined ? undefined : str(b.reference),
        currency: b.currency === undefined ? undefined : str(b.currency),
        lines: b.lines === undefined ? undefined : parseLines(b.lines),
        raw: b.lines,
      },
      actorOf(a),
    );
    if (b.post === true) await postEntry(a.trx, tenant, id);
    return { body: await entryView(a.trx, tenant, id) };
  },
  deleteJournalEntry: async (a) => {
    const id = param(a, 'id');
    await deleteDraft(a.trx, tenantOf(a), id);
    // As every platform delete: what was deleted (catalogue delete_answer).
    return { body: { id, deleted: true } };
  },
  postJournalEntry: async (a) => {
    await postEntry(a.trx, tenantOf(a), param(a, 'entry_id'));
    return { body: await entryView(a.trx, tenantOf(a), param(a, 'entry_id')) };
  },
  reverseJournalEntry: async (a) => {
    const b = bodyOf(a);
    const mirror = await reverseEntry(a.trx, tenantOf(a), param(a, 'entry_id'), { date: b.date, description: b.description }, actorOf(a));
    return {
      status: 201,
      body: { original: await entryView(a.trx, tenantOf(a), param(a, 'entry_id')), reversal: await entryView(a.trx, tenantOf(a), mirror) },
    };
  },
  /** Closing freezes the period's dates; refused while drafts dated inside it would be stranded. */
  closePeriod: async (a) => {
    const p = await periodRow(a);
    if (p.status === 'closed') throw conflict('The period is already closed.', 'period_closed');
    if (!p.start_date || !p.end_date) throw validation({ period: ['needs start_date and end_date before it can be closed'] });
    const drafts = await a
      .trx(ENTRIES)
      .where({ company_id: tenantOf(a), status: 'draft' })
      .whereBetween('date', [p.start_date, p.end_date])
      .pluck('id');
    if (drafts.length)
      throw conflict(
        `${drafts.length} draft journal entr${drafts.length === 1 ? 'y is' : 'ies are'} dated in this period; post or delete them first.`,
        'draft_entries_in_period',
        { details: { draft_entry_ids: drafts } },
      );
    await a
      .trx(PERIODS)
      .where({ id: p.id })
      .update({ status: 'closed', closed_at: a.trx.fn.now(), closed_by: actorOf(a), updated_at: a.trx.fn.now() });
    return { body: periodView(await periodRow(a)) };
  },
  reopenPeriod: async (a) => {
    const p = await periodRow(a);
    if (p.status !== 'closed') throw conflict('The period is not closed.', 'period_open');
    await a.trx(PERIODS).where({ id: p.id }).update({ status: 'open', closed_at: null, closed_by: null, updated_at: a.trx.fn.now() });
    return { body: periodView(await periodRow(a)) };
  },
  /**
   * Runs a recurring template now: type `journal` (default) books its `template` ({description,
   * reference, currency, lines}) dated `next_run` (today when unset); type `invoice` creates a draft
   * invoice from it. Then next_run moves on by the frequency.
   */
  executeRecurringEntryNow: async (a) => {
    const tenant = tenantOf(a);
    const r = await a
      .trx(T.recurring)
      .where({ company_id: tenant, id: param(a, 'recurring_id') })
      .first('*', a.trx.raw('next_run::text as next_run'), a.trx.raw('end_date::text as end_date'));
    if (!r) throw notFound('Recurring entry not found.');
    const date = r.next_run ?? today();
    if (r.end_date && date > r.end_date) throw conflict(`The schedule ended on ${r.end_date}.`, 'recurring_ended');
    const t = (r.template && typeof r.template === 'object' ? r.template : {}) as Record<string, unknown>;
    const kind = String(r.type ?? 'journal').toLowerCase();
    const step = STEP[String(r.frequency ?? 'monthly').toLowerCase()];
    if (!step) throw validation({ frequency: [`must be one of ${Object.keys(STEP).join(', ')}`] });
    let result: Record<string, unknown>;
    if (kind === 'invoice') {
      const id = newId('inv');
      await a.trx(INVOICES).insert({
        id,
        company_id: tenant,
        type: str(t.type) ?? 'sales',
        contact_name: str(t.contact_name),
        date,
        due_date: t.due_days ? a.trx.raw('?::date + ?::int', [date, Number(t.due_days) | 0]) : date,
        lines: JSON.stringify(t.lines ?? []),
        currency: str(t.currency),
        notes: str(t.notes),
        status: 'draft',
        created_by: actorOf(a),
        created_at: a.trx.fn.now(),
        updated_at: a.trx.fn.now(),
      });
      result = { type: 'invoice', invoice_id: id };
    } else {
      const id = await bookEntry(
        a.trx,
        tenant,
        {
          date,
          description: str(t.description) ?? r.name,
          reference: str(t.reference),
          currency: str(t.currency),
          lines: parseLines(t.lines),
          raw: t.lines,
          source: { type: 'recurring', id: r.id },
        },
        actorOf(a),
      );
      result = { type: 'journal', entry: await entryView(a.trx, tenant, id) };
    }
    const next = (await a.trx.raw(`select (?::date + ?::interval)::date::text as d`, [date, step])).rows[0].d;
    await a
      .trx(T.recurring)
      .where({ id: r.id })
      .update({
        last_run: date,
        last_result_id: (result.invoice_id ?? (result.entry as { id: string }).id) as string,
        next_run: r.end_date && next > r.end_date ? null : next,
        updated_at: a.trx.fn.now(),
      });
    return {
      status: 201,
      body: { recurring_id: r.id, run_date: date, next_run: r.end_date && next > r.end_date ? null : next, ...result },
    };
  },
} satisfies Record<string, ActionHandler>;
