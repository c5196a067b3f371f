/** reports.usage / exportCsv / exportXlsx (the RoomLoop API document, "Reports"). Exports stream from the pool, not the request transaction. */
import type { RoomloopHandlers } from '../../../generated/roomloop/server/handlers.ts';
import { usageReport } from '../reports/usage.ts';
import { exportCsv, exportXlsx } from '../reports/exports.ts';

export const reportsHandlers = {
  'reports.usage': async ({ trx, query }) => ({ body: await usageReport(trx, query) }),

  'reports.exportCsv': async ({ ctx, query }) => ({
    stream: exportCsv(ctx.db, query),
    contentType: 'text/csv; charset=utf-8',
    filename: 'reservations.csv',
  }),

  'reports.exportXlsx': async ({ ctx, query }) => ({
    stream: exportXlsx(ctx.db, query),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    filename: 'reservations.xlsx',
  }),
} satisfies Partial<RoomloopHandlers>;
