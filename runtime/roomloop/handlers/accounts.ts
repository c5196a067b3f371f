/** accounts.create / bulk / export (seed 001, "Accounts"). The list is the generic CRUD list. */
import type { ActionHandler } from '../../runtime-api.ts';
import { validation } from '../../http/api-error.ts';
import { createAccount, type NewAccount } from '../accounts/create-account.ts';
import { bulkImport } from '../accounts/bulk-import.ts';
import { exportAccountsCsv } from '../accounts/export-accounts.ts';

export const create: ActionHandler = async ({ trx, body }) => ({ status: 201, body: await createAccount(trx, body as NewAccount) });

/** All or nothing: a bad file answers 400 validation_error with every bad row and its line number. */
export const bulk: ActionHandler = async ({ trx, files }) => {
  const file = files?.find((f) => f.field === 'file');
  if (!file) throw validation({ file: ['Upload the CSV as multipart/form-data field "file".'] });
  const result = await bulkImport(trx, file.buffer);
  if (!result.ok) return { status: 400, body: { error: { code: 'validation_error', message: result.message, rows: result.rows } } };
  return { status: 201, body: { imported: result.accounts.length, accounts: result.accounts } };
};

export const exportCsv: ActionHandler = async ({ ctx, query }) => ({
  stream: exportAccountsCsv(ctx.db, query as { role?: string; department?: string }),
  contentType: 'text/csv; charset=utf-8',
  filename: 'accounts.csv',
});
