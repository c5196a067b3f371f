/**
 * Realtime stats count the open /events/stream connections of this process (no WebSocket server
 * exists here, so SSE is the only realtime channel).
 */
import type { ActionHandler } from '../../runtime-api.ts';
import { tenantOf } from '../http/action-context.ts';
import { streamStats } from './stream-registry.ts';

export const realtimeStats: ActionHandler = async (a) => {
  const s = streamStats(tenantOf(a));
  return { body: { total_connections: s.total, channels: s.channels, channel_count: s.channels.length, transport: 'sse' } };
};
