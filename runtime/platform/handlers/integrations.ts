/** Handlers of spec/platform/integrations.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { runActions } from '../automation/runs.ts';
import { integrationWrites } from '../integrations/integration-writes.ts';
import { listChildren } from '../records/child-records.ts';

export const integrationsHandlers = {
  'integrations.create': integrationWrites.create,
  'integrations.delete': integrationWrites.delete,
  'integrations.listSyncLogs': listChildren({ kind: 'sync_logs', parent: { param: 'integration_id' } }),
  'integrations.syncIntegration': runActions.syncIntegration,
  'integrations.update': integrationWrites.update,
} satisfies Partial<PlatformHandlers>;
