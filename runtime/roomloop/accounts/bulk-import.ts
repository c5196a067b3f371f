/**
 * POST /v1/accounts/bulk: a CSV (header email,name,department,role) parsed with csv-parse.
 * All rows are checked first; if any is bad, nothing is imported and every bad row is reported
 * with its line number in the file and the reasons. Otherwise all rows land in one transaction.
 */
import type { Knex } from 'knex';
import { parse } from 'csv-parse/sync';
import { T } from '../tables.ts';
import { insertAccounts, type NewAccount } from './create-account.ts';

export interface RowError {
  readonly line: number;
  readonly errors: string[];
}

export type BulkResult =
  | { readonly ok: true; readonly accounts: Awaited<ReturnType<typeof insertAccounts>> }
  | { readonly ok: false; readonly message: string; readonly rows: RowError[] };

const REQUIRED = ['email', 'name'];
const KNOWN = ['email', 'name', 'department', 'role'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export async function bulkImport(trx: Knex, csv: Buffer | string): Promise<BulkResult> {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, {
      columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: false,
    }) as unknown as typeof records;
  } catch (e) {
    const err = e as { lines?: number; message: string };
    return {
      ok: false,
      message: 'The file is not valid CSV; nothing was imported.',
      rows: [{ line: err.lines ?? 1, errors: [err.message] }],
    };
  }
  if (records.length === 0)
    return {
      ok: false,
      message: 'The file has no rows; nothing was imported.',
      rows: [{ line: 1, errors: ['expected a header line and at least one row'] }],
    };
  const header = Object.keys(records[0]!.record);
  const headerErrors = [
    ...REQUIRED.filter((c) => !header.includes(c)).map((c) => `missing column "${c}"`),
    ...header.filter((c) => !KNOWN.includes(c)).map((c) => `unknown column "${c}" (expected ${KNOWN.join(', ')})`),
  ];
  if (headerErrors.length)
    return { ok: false, message: 'The header is wrong; nothing was imported.', rows: [{ line: 1, errors: headerErrors }] };

  const emails = records.map((r) => (r.record.email ?? '').toLowerCase()).filter(Boolean);
  const existing = new Set<string>();
  for (let i = 0; i < emails.length; i += 1000) {
    const rows = await trx(T.accounts)
      .whereRaw('lower(email) = any(?::text[])', [emails.slice(i, i + 1000)])
      .select('email');
    for (const r of rows) existing.add(String(r.email).toLowerCase());
  }
  const seen = new Map<string, number>();
  const bad: RowError[] = [];
  const good: NewAccount[] = [];
  for (const { record: r, info } of records) {
    const errors: string[] = [];
    const email = (r.email ?? '').toLowerCase();
    if (!email) errors.push('email is required');
    else if (!EMAIL.test(email) || email.length > 254) errors.push(`"${r.email}" is not a valid email`);
    else if (existing.has(email)) errors.push(`an account for ${email} already exists`);
    else if (seen.has(email)) errors.push(`${email} already appears on line ${seen.get(email)}`);
    if (!r.name) errors.push('name is required');
    else if (r.name.length > 200) errors.push('name is longer than 200 characters');
    if ((r.department ?? '').length > 100) errors.push('department is longer than 100 characters');
    const role = (r.role || 'teacher').toLowerCase();
    if (role !== 'teacher' && role !== 'admin') errors.push(`role must be teacher or admin, not "${r.role}"`);
    if (email && !seen.has(email)) seen.set(email, info.lines);
    if (errors.length) bad.push({ line: info.lines, errors });
    else good.push({ email, name: r.name!, department: r.department || null, role: role as 'teacher' | 'admin' });
  }
  if (bad.length)
    return { ok: false, message: `${bad.length} row${bad.length === 1 ? ' is' : 's are'} invalid; nothing was imported.`, rows: bad };
  return { ok: true, accounts: await insertAccounts(trx, good) };
}
