/**
 * The platform's realtime endpoints: GET /events/stream (SSE, sse-stream.ts) and GET /v1/realtime
 * (WebSocket, websocket.ts), both fed by this process's event hub (event-hub.ts). Mounted from the
 * wiring's `extra` hook, before the generated routes; on service close every stream and socket is
 * ended first, so a graceful drain does not wait for clients that never hang up.
 */
import type { Server } from 'node:http';
import type { Application as Express } from 'express';
import type { Runtime } from '../../runtime-api.ts';
import { closeEventHub } from './event-hub.ts';
import { sseStream } from './sse-stream.ts';
import { mountWebSocket, notAnUpgrade, REALTIME_PATH } from './websocket.ts';

export function mountRealtime(app: Express, rt: Runtime, env: { server?: Server; onClose?(fn: () => Promise<void> | void): void }): void {
  app.get('/events/stream', rt.authenticate, rt.tenant({ scope: 'company', product: null }), sseStream());
  // Without the HTTP server (an app mounted on its own) there is no upgrade to take: every GET is a 426.
  const ws = env.server ? mountWebSocket(app, rt, env.server) : null;
  if (!ws) {
    app.get(REALTIME_PATH, () => {
      throw notAnUpgrade();
    });
  }
  env.onClose?.(async () => {
    await Promise.all([closeEventHub(rt.db), ws?.close()]);
  });
}
