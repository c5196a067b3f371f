/**
 * The double-entry journal. An entry is a pf_journal_entries row plus its pf_journal_lines (one
 * numeric debit or credit per line). Status: draft → posted → reversed. Posting checks in SQL that
 * debits equal credits, that every account belongs to the tenant and is active, and that the
 * entry's date is not in a closed period. Reversing posts the mirror entry (debits and credits
 * swapped) and marks the original `reversed`; both stay in the books, so they net to zero.
 * Reports count "booked" entries: posted and reversed.
 */
import type { Knex } from 'knex';
import { conflict, notFound, validation } from '../../http/api-error.ts';
import { newId } from '../../security/random-ids.ts';
import { amount, dateOf, isZero, today } from './money.ts';
import { assertOpen } from './periods.ts';
import { T } from '../tables.ts';

export const ENTRIES = T.journalEntries;
export const LINES = T.journalLines;
export const ACCOUNTS = T.accounts;
export const BOOKED = ['posted', 'reversed'] as const;

export interface LineInput {
  account_id: string;
  debit: string;
  credit: string;
  description: string | null;
}
export interface EntryInput {
  date: string;
  description?: string | null;
  reference?: string | null;
  currency?: string | null;
  lines: LineInput[];
  raw?: unknown;
  source?: { type: string; id: string };
}

/** Client lines → checked lines: an account and exactly one positive side each; two lines at least. */
export function parseLines(v: unknown): LineInput[] {
  if (!Array.isArray(v) || v.length < 2)
    throw validation({ lines: ['needs at least two lines ({account_id, debit} / {account_id, credit})'] });
  return v.map((l, i) => {
    const o = (l && typeof l === 'object' ? l : {}) as Record<string, unknown>;
    if (typeof o.account_id !== 'string' || !o.account_id) throw validation({ [`lines[${i}].account_id`]: ['is required'] });
    const debit = amount(o.debit ?? '0', `lines[${i}].debit`);
    const credit = amount(o.credit ?? '0', `lines[${i}].credit`);
    if (isZero(debit) === isZero(credit))
      throw validation({ [`lines[${i}]`]: ['needs exactly one of debit or credit, greater than zero'] });
    return { account_id: o.account_id, debit, credit, description: typeof o.description === 'string' ? o.description : null };
  });
}

async function writeLines(trx: Knex, tenant: string | number, entryId: string, lines: LineInput[], by: string | null) {
  await trx(LINES).where({ company_id: tenant, entry_id: entryId }).delete();
  await trx(LINES).insert(
    lines.map((l, i) => ({
      id: newId('jl'),
      company_id: tenant,
      entry_id: entryId,
      account_id: l.account_id,
      line_no: i + 1,
      description: l.description,
      debit: l.debit,
      credit: l.credit,
      created_by: by,
      created_at: trx.fn.now(),
      updated_at: trx.fn.now(),
    })),
  );
}

/** A draft entry; `post()` it to book it. */
export async function createEntry(trx: Knex, tenant: string | number, e: EntryInput, by: string | null): Promise<string> {
  const id = newId('je');
  await trx(ENTRIES).insert({
    id,
    company_id: tenant,
    date: e.date,
    description: e.description ?? null,
    reference: e.reference ?? null,
    currency: e.currency ?? null,
    lines: JSON.stringify(e.raw ?? e.lines),
    post: false,
    status: 'draft',
    source_type: e.source?.type ?? null,
    source_id: e.source?.id ?? null,
    created_by: by,
    created_at: trx.fn.now(),
    updated_at: trx.fn.now(),
  });
  await writeLines(trx, tenant, id, e.lines, by);
  return id;
}

export async function loadEntry(trx: Knex, tenant: string | number, id: string) {
  const row = await trx(ENTRIES).where({ company_id: tenant, id }).first('*', trx.raw('date::text as date'));
  if (!row) throw notFound('Journal entry not found.');
  return row;
}

export async function updateDraft(trx: Knex, tenant: string | number, id: string, patch: Partial<EntryInput>, by: string | null) {
  const row = await loadEntry(trx, tenant, id);
  if (row.status !== 'draft')
    throw conflict(`Only draft entries can be edited; this one is ${row.status} (reverse it instead).`, 'entry_not_draft');
  const cols: Record<string, unknown> = { updated_at: trx.fn.now() };
  for (const k of ['date', 'description', 'reference', 'currency'] as const) if (patch[k] !== undefined) cols[k] = patch[k];
  if (patch.lines) {
    cols.lines = JSON.stringify(patch.raw ?? patch.lines);
    await writeLines(trx, tenant, id, patch.lines, by);
  }
  await trx(ENTRIES).where({ company_id: tenant, id }).update(cols);
}

export async function deleteDraft(trx: Knex, tenant: string | number, id: string) {
  const row = await loadEntry(trx, tenant, id);
  if (row.status !== 'draft')
    throw conflict(`A ${row.status} entry stays in the books; reverse it instead of deleting it.`, 'entry_not_draft');
  await trx(LINES).where({ company_id: tenant, entry_id: id }).delete();
  await trx(ENTRIES).where({ company_id: tenant, id }).delete();
}

/** draft → posted, after the balance, account and period checks. */
export async function postEntry(trx: Knex, tenant: string | number, id: string): Promise<void> {
  const row = await loadEntry(trx, tenant, id);
  if (row.status !== 'draft') throw conflict(`The entry is already ${row.status}.`, 'entry_not_draft');
  await assertOpen(trx, tenant, row.date);
  const sums = (
    await trx.raw(
      `select coalesce(sum(debit), 0)::numeric(18,2)::text as debits, coalesce(sum(credit), 0)::numeric(18,2)::text as credits,
            coalesce(sum(debit), 0) = coalesce(sum(credit), 0) as balanced, count(*)::int as n
       from ${LINES} where company_id = ? and entry_id = ?`,
      [tenant, id],
    )
  ).rows[0];
  if (sums.n < 2) throw validation({ lines: ['needs at least two lines'] });
  if (!sums.balanced)
    throw validation({ lines: [`debits (${sums.debits}) must equal credits (${sums.credits})`] }, 'The entry does not balance.');
  const bad = (
    await trx.raw(
      `select distinct l.account_id from ${LINES} l left join ${ACCOUNTS} a on a.company_id = l.company_id and a.id = l.account_id
      where l.company_id = ? and l.entry_id = ? and (a.id is null or a.is_active = false) order by 1`,
      [tenant, id],
    )
  ).rows;
  if (bad.length)
    throw validation({ lines: [`unknown or inactive account(s): ${bad.map((b: { account_id: string }) => b.account_id).join(', ')}`] });
  await trx(ENTRIES)
    .where({ company_id: tenant, id })
    .update({ status: 'posted', post: true, posted_at: trx.fn.now(), updated_at: trx.fn.now() });
}

/** Writes and posts the mirror of a posted entry; the original becomes `reversed`. Returns the mirror's id. */
export async function reverseEntry(
  trx: Knex,
  tenant: string | number,
  id: string,
  opts: { date?: unknown; description?: unknown },
  by: string | null,
): Promise<string> {
  const row = await loadEntry(trx, tenant, id);
  if (row.status !== 'posted')
    throw conflict(
      row.status === 'reversed'
        ? `The entry was already reversed by ${row.reversed_by}.`
        : 'Only posted entries can be reversed (a draft can be edited or deleted).',
      'entry_not_posted',
    );
  const date = dateOf(opts.date, 'date', row.date ?? today());
  const lines = await trx(LINES)
    .where({ company_id: tenant, entry_id: id })
    .orderBy('line_no')
    .select('account_id', 'description', trx.raw('credit::numeric(18,2)::text as debit'), trx.raw('debit::numeric(18,2)::text as credit'));
  const mirror = await createEntry(
    trx,
    tenant,
    {
      date,
      description:
        typeof opts.description === 'string' ? opts.description : `Reversal of ${id}${row.description ? `: ${row.description}` : ''}`,
      reference: row.reference,
      currency: row.currency,
      lines,
      source: { type: 'reversal', id },
    },
    by,
  );
  await trx(ENTRIES).where({ company_id: tenant, id: mirror }).update({ reversal_of: id });
  await postEntry(trx, tenant, mirror);
  await trx(ENTRIES).where({ company_id: tenant, id }).update({ status: 'reversed', reversed_by: mirror, updated_at: trx.fn.now() });
  return mirror;
}

/** Wire view: the entry with its lines and totals as decimal strings. */
export async function entryView(trx: Knex, tenant: string | number, id: string) {
  const row = await loadEntry(trx, tenant, id);
  const lines = await trx(LINES)
    .where({ company_id: tenant, entry_id: id })
    .orderBy('line_no')
    .select(
      'id',
      'line_no',
      'account_id',
      'description',
      trx.raw('debit::numeric(18,2)::text as debit'),
      trx.raw('credit::numeric(18,2)::text as credit'),
    );
  const t = (
    await trx.raw(
      `select coalesce(sum(debit),0)::numeric(18,2)::text as d, coalesce(sum(credit),0)::numeric(18,2)::text as c from ${LINES} where company_id = ? and entry_id = ?`,
      [tenant, id],
    )
  ).rows[0];
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
  return {
    id: row.id,
    date: row.date,
    description: row.description,
    reference: row.reference,
    currency: row.currency,
    status: row.status,
    posted_at: iso(row.posted_at),
    reversal_of: row.reversal_of,
    reversed_by: row.reversed_by,
    source_type: row.source_type,
    source_id: row.source_id,
    lines,
    total_debit: t.d,
    total_credit: t.c,
    created_by: row.created_by,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

/** Create + post in one go (invoices, payments, recurring entries). */
export async function bookEntry(trx: Knex, tenant: string | number, e: EntryInput, by: string | null): Promise<string> {
  const id = await createEntry(trx, tenant, e, by);
  await postEntry(trx, tenant, id);
  return id;
}
