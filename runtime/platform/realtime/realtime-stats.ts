/**
 * GET /v1/realtime/stats: the tenant's open realtime connections (SSE streams and WebSockets) on the
 * process that answers. Per process on purpose (`scope: "process"`): connections are sockets of one
 * process, and summing them across processes would need a shared registry nobody reads but this page.
 */
import type { ActionHandler } from '../../runtime-api.ts';
import { tenantOf } from '../http/action-context.ts';
import { connectionStats } from './connections.ts';

export const realtimeStats: ActionHandler = async (a) => {
  const s = connectionStats(tenantOf(a));
  return {
    body: {
      total_connections: s.total,
      channels: s.channels,
      channel_count: s.channels.length,
      transports: s.byTransport,
      scope: 'process',
      process_id: process.pid,
    },
  };
};
