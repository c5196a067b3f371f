/**
 * Graceful close of an HTTP server: stop accepting connections, let requests in flight finish (their
 * keep-alive connections are closed once they are idle, and answers sent while draining carry
 * `Connection: close`), and after `graceMs` cut whatever is still open. Resolves when every
 * connection is gone; reports how many requests were still running when the grace period ended.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

const inFlight = new WeakMap<Server, Set<ServerResponse>>();

/** Starts counting the server's requests in flight (call once, before it serves). */
export function trackRequests(server: Server): void {
  if (inFlight.has(server)) return;
  const open = new Set<ServerResponse>();
  inFlight.set(server, open);
  server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
    open.add(res);
    res.once('close', () => open.delete(res));
  });
}

export function requestsInFlight(server: Server): number {
  return inFlight.get(server)?.size ?? 0;
}

export async function drainServer(server: Server, graceMs: number): Promise<{ cut: number }> {
  const open = inFlight.get(server) ?? new Set<ServerResponse>();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const res of open) if (!res.headersSent) res.setHeader('Connection', 'close');
  server.closeIdleConnections();
  const deadline = Date.now() + graceMs;
  while (open.size > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
    // A keep-alive connection whose request just finished is idle now: close it rather than wait.
    server.closeIdleConnections();
  }
  const cut = open.size;
  server.closeAllConnections();
  await closed;
  return { cut };
}
