/** Handlers of spec/platform/audit-logs.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { listChildren } from '../records/child-records.ts';

export const auditLogsHandlers = {
  'audit-logs.listAuditLogs': listChildren({ kind: 'audit', parent: { fixed: 'tenant' } }, 'logs'),
} satisfies Partial<PlatformHandlers>;
