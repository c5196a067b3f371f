/** Handlers of spec/platform/operations.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { deadLetterActions } from '../operations/dead-letters.ts';
import { realtimeStats } from '../realtime/realtime-stats.ts';
import { executeSqlQuery } from '../sql/execute-sql.ts';
import { notAnUpgrade } from '../realtime/websocket.ts';
import type { ActionHandler } from '../../runtime-api.ts';

/**
 * GET /v1/realtime is answered before the generated routes (realtime/websocket.ts: the upgrade, or 426);
 * a request reaching this handler was not an upgrade.
 */
const WEBSOCKET: ActionHandler = async () => {
  throw notAnUpgrade();
};

export const operationsHandlers = {
  'operations.discardDlqMessage': deadLetterActions.discardDlqMessage,
  'operations.executeSqlQuery': executeSqlQuery,
  'operations.getRealtimeStats': realtimeStats,
  'operations.listDlqMessages': deadLetterActions.listDlqMessages,
  'operations.retryDlqMessage': deadLetterActions.retryDlqMessage,
  'operations.websocketUpgrade': WEBSOCKET,
} satisfies Partial<PlatformHandlers>;
