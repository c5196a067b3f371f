/** Handlers of spec/platform/operations.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { unavailable } from '../http/unavailable.ts';
import { deadLetterActions } from '../operations/dead-letters.ts';
import { realtimeStats } from '../realtime/realtime-stats.ts';
import { notAnUpgrade } from '../realtime/websocket.ts';
import type { ActionHandler } from '../../runtime-api.ts';

/**
 * Raw SQL is refused: even read-only, tenant-scoped SQL over a shared schema needs a parser that
 * proves every table reference is the tenant's own object data (no functions, no system catalogs,
 * no CTE/side-channel tricks) — a whitelist query builder this server does not have.
 */
const SQL = unavailable(
  'sql_not_available',
  "Arbitrary SQL is not accepted: tables are shared between tenants and no SQL parser here can prove a statement only reads this tenant's rows. Use POST /v1/objects/:object_type_id/search (filters, sort, paging) or POST /v1/objects/:object_type_id/aggregate for read-only queries over your object data.",
);

/**
 * GET /v1/realtime is answered before the generated routes (realtime/websocket.ts: the upgrade, or 426);
 * a request reaching this handler was not an upgrade.
 */
const WEBSOCKET: ActionHandler = async () => {
  throw notAnUpgrade();
};

export const operationsHandlers = {
  'operations.discardDlqMessage': deadLetterActions.discardDlqMessage,
  'operations.executeSqlQuery': SQL,
  'operations.getRealtimeStats': realtimeStats,
  'operations.listDlqMessages': deadLetterActions.listDlqMessages,
  'operations.retryDlqMessage': deadLetterActions.retryDlqMessage,
  'operations.websocketUpgrade': WEBSOCKET,
} satisfies Partial<PlatformHandlers>;
