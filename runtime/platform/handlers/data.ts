/** Handlers of spec/platform/data.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { importExportActions } from '../data/import-export.ts';

export const dataHandlers = {
  'data.downloadExport': importExportActions.downloadExport,
  'data.importData': importExportActions.importData,
  'data.startDataExport': importExportActions.startDataExport,
} satisfies Partial<PlatformHandlers>;
