/** Handlers of spec/platform/saved-reports.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { savedReportActions } from '../reports/saved-reports.ts';

export const savedReportsHandlers: HandlerRegistry = {
  'saved-reports.exportSavedReport': savedReportActions.exportSavedReport,
  'saved-reports.runSavedReport': savedReportActions.runSavedReport,
};
