/**
 * Rows of the tables these handlers write, in the same wire form the generic CRUD answers with
 * (spec/README.md): refs named without `_id` and numeric, dates `YYYY-MM-DD`, timestamps ISO 8601,
 * decimals strings, hidden (write-only) columns left out. Handlers cannot import the generated
 * descriptors (runtime never depends on generated/), so each table's few special columns are listed here.
 */
import type { Knex } from 'knex';
import { notFound } from '../../http/api-error.ts';

export interface TableShape {
  readonly table: string;
  /** Ref columns besides company_id/workspace_id (which every tenant table has). */
  readonly refs: readonly string[];
  readonly dates?: readonly string[];
  /** Write-only columns, never returned. */
  readonly hidden?: readonly string[];
}

const shape = (table: string, refs: string[], dates: string[] = [], hidden: string[] = []): TableShape => ({ table, refs, dates, hidden });

export const SHAPES = {
  invoices: shape('payments_invoices', [], ['issue_date', 'due_date']),
  invoiceItems: shape('payments_invoice_items', ['invoice_id']),
  appointments: shape('booking_appointments', ['service_id', 'staff_id', 'customer_id', 'branch_id', 'invoice_id']),
  items: shape('protector_items', ['category_id', 'owner_user_id'], ['purchase_date']),
  recoveryCases: shape('protector_recovery_cases', ['item_id']),
  ownershipRecords: shape('protector_ownership_records', ['item_id']),
  sessions: shape('attendance_sessions', ['branch_id', 'host_id'], [], ['qr_secret']),
  records: shape('attendance_records', ['session_id', 'membership_id']),
  registrations: shape('events_registrations', ['event_id', 'ticket_id']),
  pages: shape('cms_pages', ['template_id', 'parent_id', 'seo_id']),
  posts: shape('cms_posts', ['cover_id', 'author_id']),
  news: shape('cms_news', ['cover_id']),
} as const satisfies Record<string, TableShape>;

const NUMERIC_KEYS = new Set(['id', 'company_id', 'workspace_id', 'created_by']);

function asNumber(v: unknown): unknown {
  // bigint ids arrive as strings from node-postgres and as numbers from PGlite.
  return typeof v === 'string' && /^-?\d{1,15}$/.test(v) ? Number(v) : v;
}

/** Select list for a shape: every column, plus `<date>::text` beside each date column. */
export function selectList(db: Knex, s: TableShape, alias = s.table): (string | Knex.Raw)[] {
  return [`${alias}.*`, ...(s.dates ?? []).map((c) => db.raw('??::text as ??', [`${alias}.${c}`, `${c}__text`]))];
}

export function toWire(s: TableShape, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const refs = new Set(s.refs);
  const hidden = new Set(s.hidden ?? []);
  for (const [k, raw] of Object.entries(row)) {
    if (k.endsWith('__text') || hidden.has(k)) continue;
    let v: unknown = raw;
    if (s.dates?.includes(k)) v = row[`${k}__text`] ?? null;
    else if (v instanceof Date) v = v.toISOString();
    if (NUMERIC_KEYS.has(k) || refs.has(k)) v = asNumber(v);
    const name = k !== 'id' && (refs.has(k) || k === 'company_id' || k === 'workspace_id') ? k.slice(0, -3) : k;
    out[name] = v ?? null;
  }
  return out;
}

/** One live row of the company, in wire form; 404 when missing. */
export async function fetchWire(db: Knex, s: TableShape, companyId: number, id: number | string, what = 'Record'): Promise<Record<string, unknown>> {
  const row = await db(s.table)
    .where({ [`${s.table}.id`]: id, [`${s.table}.company_id`]: companyId })
    .whereNull(`${s.table}.deleted_at`)
    .first(selectList(db, s));
  if (!row) throw notFound(`${what} ${id} not found.`);
  return toWire(s, row as Record<string, unknown>);
}
