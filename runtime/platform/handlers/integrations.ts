/** Handlers of spec/platform/integrations.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { runActions } from '../automation/runs.ts';
import { listChildren } from '../records/child-records.ts';

export const integrationsHandlers = {
  'integrations.listSyncLogs': listChildren({ kind: 'sync_logs', parent: { param: 'integration_id' } }),
  'integrations.syncIntegration': runActions.syncIntegration,
} satisfies Partial<PlatformHandlers>;
