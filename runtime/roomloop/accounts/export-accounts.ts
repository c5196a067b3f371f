/** GET /v1/accounts/export: all accounts as CSV, read in keyset batches and streamed. */
import type { Knex } from 'knex';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { T } from '../tables.ts';
import { isoSeconds } from '../clock.ts';

export async function* accountRows(db: Knex, filter: { role?: string; department?: string }, batch = 1000) {
  let after = '';
  for (;;) {
    const q = db(T.accounts)
      .where('id', '>', after)
      .orderBy('id')
      .limit(batch)
      .select('id', 'email', 'name', 'department', 'role', 'status', 'created_at');
    if (filter.role) q.where({ role: filter.role });
    if (filter.department) q.where({ department: filter.department });
    const rows = await q;
    for (const r of rows) yield [r.id, r.email, r.name, r.department ?? '', r.role, r.status, isoSeconds(r.created_at)];
    if (rows.length < batch) return;
    after = rows[rows.length - 1].id;
  }
}

export function exportAccountsCsv(db: Knex, filter: { role?: string; department?: string }): NodeJS.ReadableStream {
  const csv = stringify({ header: true, columns: ['id', 'email', 'name', 'department', 'role', 'status', 'created_at'] });
  const src = Readable.from(accountRows(db, filter));
  src.on('error', (e) => csv.destroy(e));
  return src.pipe(csv);
}
