/**
 * The realtime connections open on this process (SSE streams and WebSockets), for GET /v1/realtime/stats.
 * Counts are per process: each `serve` process knows its own sockets, and the stats answer says so
 * (`scope: "process"`) rather than pretending to be the cluster's total.
 */
export type Transport = 'sse' | 'websocket';

export interface OpenConnection {
  readonly tenant: number;
  readonly transport: Transport;
  /** Live view: a WebSocket's subscribe/unsubscribe messages change it. */
  readonly channels: ReadonlySet<string>;
}

const open = new Set<OpenConnection>();

/** Registers a connection; call the returned function when it closes (idempotent). */
export function trackConnection(c: OpenConnection): () => void {
  open.add(c);
  return () => void open.delete(c);
}

export interface ConnectionStats {
  readonly total: number;
  readonly byTransport: Record<Transport, number>;
  readonly channels: { channel: string; connections: number }[];
}

export function connectionStats(tenant: number): ConnectionStats {
  const byTransport: Record<Transport, number> = { sse: 0, websocket: 0 };
  const perChannel = new Map<string, number>();
  let total = 0;
  for (const c of open) {
    if (c.tenant !== tenant) continue;
    total++;
    byTransport[c.transport]++;
    for (const ch of c.channels) perChannel.set(ch, (perChannel.get(ch) ?? 0) + 1);
  }
  const channels = [...perChannel.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([channel, connections]) => ({ channel, connections }));
  return { total, byTransport, channels };
}
