/** Handlers of spec/platform/data.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { importExportActions } from '../data/import-export.ts';

export const dataHandlers: HandlerRegistry = {
  'data.downloadExport': importExportActions.downloadExport,
  'data.importData': importExportActions.importData,
  'data.startDataExport': importExportActions.startDataExport,
};
