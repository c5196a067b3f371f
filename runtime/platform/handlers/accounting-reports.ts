/** Handlers of spec/platform/accounting-reports.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { accountingReports } from '../accounting/report-actions.ts';

export const accountingReportsHandlers = {
  'accounting-reports.agedPayablesReport': accountingReports.agedPayablesReport,
  'accounting-reports.agedReceivablesReport': accountingReports.agedReceivablesReport,
  'accounting-reports.balanceSheetReport': accountingReports.balanceSheetReport,
  'accounting-reports.cashFlowStatement': accountingReports.cashFlowStatement,
  'accounting-reports.generalLedgerReport': accountingReports.generalLedgerReport,
  'accounting-reports.profitAndLossReport': accountingReports.profitAndLossReport,
  'accounting-reports.taxReport': accountingReports.taxReport,
  'accounting-reports.trialBalanceReport': accountingReports.trialBalanceReport,
} satisfies Partial<PlatformHandlers>;
