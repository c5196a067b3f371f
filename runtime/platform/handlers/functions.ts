/** Handlers of spec/platform/functions.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { runActions } from '../automation/runs.ts';
import { listChildren } from '../records/child-records.ts';

export const functionsHandlers: HandlerRegistry = {
  'functions.executeFunction': runActions.executeFunction,
  'functions.listFunctionLogs': listChildren({ kind: 'function_logs', parent: { param: 'function_id' } }, true),
};
