/** Handlers of spec/platform/functions.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { runActions } from '../automation/runs.ts';
import { listChildren } from '../records/child-records.ts';

export const functionsHandlers = {
  'functions.executeFunction': runActions.executeFunction,
  'functions.listFunctionLogs': listChildren({ kind: 'function_logs', parent: { param: 'function_id' } }),
} satisfies Partial<PlatformHandlers>;
