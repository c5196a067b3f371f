/** Handlers of spec/platform/functions.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { executeFunction } from '../functions/execute-function.ts';
import { listChildren } from '../records/child-records.ts';

export const functionsHandlers = {
  'functions.executeFunction': executeFunction,
  'functions.listFunctionLogs': listChildren({ kind: 'function_logs', parent: { param: 'function_id' } }),
} satisfies Partial<PlatformHandlers>;
