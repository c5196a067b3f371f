/** Open /events/stream (server-sent events) connections of this process, per tenant, for /v1/realtime/stats. */
const open = new Map<number, Map<string, number>>();

/** Registers a connection on `channel`; call the returned function when it closes. */
export function trackStream(tenant: number, channel: string): () => void {
  const m = open.get(tenant) ?? new Map<string, number>();
  open.set(tenant, m);
  m.set(channel, (m.get(channel) ?? 0) + 1);
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    const n = (m.get(channel) ?? 1) - 1;
    if (n > 0) m.set(channel, n);
    else m.delete(channel);
  };
}

export function streamStats(tenant: number): { total: number; channels: { channel: string; connections: number }[] } {
  const m = open.get(tenant) ?? new Map<string, number>();
  const channels = [...m.entries()].sort(([x], [y]) => x.localeCompare(y)).map(([channel, connections]) => ({ channel, connections }));
  return { total: channels.reduce((s, c) => s + c.connections, 0), channels };
}
