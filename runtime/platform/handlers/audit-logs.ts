/** Handlers of spec/platform/audit-logs.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { listChildren } from '../records/child-records.ts';

export const auditLogsHandlers: HandlerRegistry = {
  'audit-logs.listAuditLogs': listChildren({ kind: 'audit', parent: { fixed: 'tenant' } }, true),
};
