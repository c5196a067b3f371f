/** Handlers of spec/platform/saved-reports.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { savedReportActions } from '../reports/saved-reports.ts';

export const savedReportsHandlers = {
  'saved-reports.exportSavedReport': savedReportActions.exportSavedReport,
  'saved-reports.runSavedReport': savedReportActions.runSavedReport,
} satisfies Partial<PlatformHandlers>;
