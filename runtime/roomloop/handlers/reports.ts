/** reports.usage / exportCsv / exportXlsx (seed 001, "Reports"). Exports stream from the pool, not the request transaction. */
import type { ActionHandler } from '../../runtime-api.ts';
import { usageReport } from '../reports/usage.ts';
import { exportCsv as csv, exportXlsx as xlsx } from '../reports/exports.ts';
import type { ReportFilter } from '../reports/report-rows.ts';

export const usage: ActionHandler = async ({ trx, query }) => ({ body: await usageReport(trx, query as ReportFilter & { period?: 'day' | 'week' | 'month' }) });

export const exportCsv: ActionHandler = async ({ ctx, query }) => ({
  stream: csv(ctx.db, query as ReportFilter), contentType: 'text/csv; charset=utf-8', filename: 'reservations.csv',
});

export const exportXlsx: ActionHandler = async ({ ctx, query }) => ({
  stream: xlsx(ctx.db, query as ReportFilter),
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  filename: 'reservations.xlsx',
});
