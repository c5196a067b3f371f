/** accounts.create / bulk / export (the RoomLoop API document, "Accounts"). The list is the generic CRUD list. */
import type { RoomloopHandlers } from '../../../generated/roomloop/server/handlers.ts';
import { validation } from '../../http/api-error.ts';
import { createAccount } from '../accounts/create-account.ts';
import { bulkImport } from '../accounts/bulk-import.ts';
import { exportAccountsCsv } from '../accounts/export-accounts.ts';

export const accountsHandlers = {
  'accounts.create': async ({ trx, body }) => ({ status: 201, body: await createAccount(trx, body) }),

  /** All or nothing: a bad file answers 400 validation_error with every bad row and its line number. */
  'accounts.bulk': async ({ trx, files }) => {
    const file = files?.find((f) => f.field === 'file');
    if (!file) throw validation({ file: ['Upload the CSV as multipart/form-data field "file".'] });
    const result = await bulkImport(trx, file.buffer);
    if (!result.ok) return { status: 400, body: { error: { code: 'validation_error', message: result.message, rows: result.rows } } };
    return { status: 201, body: { imported: result.accounts.length, accounts: result.accounts } };
  },

  'accounts.export': async ({ ctx, query }) => ({
    stream: exportAccountsCsv(ctx.db, query),
    contentType: 'text/csv; charset=utf-8',
    filename: 'accounts.csv',
  }),
} satisfies Partial<RoomloopHandlers>;
