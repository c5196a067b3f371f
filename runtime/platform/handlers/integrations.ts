/** Handlers of spec/platform/integrations.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { runActions } from '../automation/runs.ts';
import { listChildren } from '../records/child-records.ts';

export const integrationsHandlers: HandlerRegistry = {
  'integrations.listSyncLogs': listChildren({ kind: 'sync_logs', parent: { param: 'integration_id' } }, true),
  'integrations.syncIntegration': runActions.syncIntegration,
};
