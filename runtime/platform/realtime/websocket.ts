/**
 * GET /v1/realtime — WebSocket subscriptions (docs/api/platform-api.txt: "101 — WebSocket upgrade,
 * 426 — Not a WebSocket upgrade request"; query `token`, `tenant_id`; channels `objects:<type_id>`,
 * `files`, `files:<folder>`), served by the `ws` package on the service's own HTTP server.
 *
 * An upgrade request is run through the Express app like any request (request id, context, then
 * `rt.authenticate` and `rt.tenant` — the token comes from `?token=` because browsers cannot set
 * headers on a WebSocket), so a refused upgrade gets the platform's JSON error (401, 403, 400) as a
 * plain HTTP answer; only an accepted one is handed to ws, which answers 101. A plain GET answers 426.
 *
 * Protocol (JSON text frames):
 *   server → {type:"connected", tenant_id, channels, types, resumed_after}
 *   client → {type:"subscribe", channel|channels} · {type:"unsubscribe", channel|channels} · {type:"ping"}
 *   server → {type:"subscribed"|"unsubscribed", channels} · {type:"pong"} · {type:"error", code, message}
 *   server → {type:"event", channel, seq, event:{id, type, tenant_id, created_at, data}}
 * Initial filter from the query as for SSE (`channels`, `types`, `object_type`, `folder`; no channel:
 * everything); resume with `?last_event_id=` (seq or evt_ id). The server pings every 30 s and drops
 * a socket that missed a pong.
 */
import { ServerResponse, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Application as Express, Request, RequestHandler, Response } from 'express';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Runtime } from '../../runtime-api.ts';
import { ApiError, forbidden } from '../../http/api-error.ts';
import { ctxOf } from '../../http/respond.ts';
import { toEnvelope } from '../events/event-log.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import { trackConnection } from './connections.ts';
import { eventHub } from './event-hub.ts';
import { resumePoint } from './sse-stream.ts';
import { checkChannel, listParam, matchChannel, subscriptionFromQuery } from './subscription.ts';

export const REALTIME_PATH = '/v1/realtime';
const PING_MS = 30_000;
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Set on requests that arrived through the server's `upgrade` event: the bytes after the headers. */
const UPGRADE_HEAD = Symbol('upgradeHead');

type UpgradeRequest = IncomingMessage & { [UPGRADE_HEAD]?: Buffer };

export function notAnUpgrade(): ApiError {
  return new ApiError(
    426,
    'upgrade_required',
    'GET /v1/realtime is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket) and ?token=<api key or access token>&tenant_id=<tn_…>. Server-Sent Events are at GET /events/stream.',
    { headers: { Upgrade: 'websocket', Connection: 'Upgrade' } },
  );
}

/** Mounts the route and the server's upgrade hook; `close()` ends every socket (graceful shutdown). */
export function mountWebSocket(app: Express, rt: Runtime, server: Server): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  let closing = false;

  const upgradeOnly: RequestHandler = (req, _res, next) => {
    if (!(req as UpgradeRequest)[UPGRADE_HEAD]) throw notAnUpgrade();
    // Browsers cannot send headers on a WebSocket: the documented ?token= stands in for Authorization.
    const token = typeof req.query.token === 'string' ? req.query.token.trim() : '';
    if (!req.headers.authorization && token) req.headers.authorization = `Bearer ${token}`;
    next();
  };

  const accept: RequestHandler = async (req: Request, res: Response) => {
    const ctx = ctxOf(res);
    const tenant = ctx.tenant!.companyId;
    const named = typeof req.query.tenant_id === 'string' ? req.query.tenant_id.trim() : '';
    if (named && named !== tenantPublicId(tenant)) throw forbidden('tenant_id does not name the tenant of this token.', 'tenant_mismatch');
    const sub = subscriptionFromQuery(req.query as Record<string, unknown>);
    const since = await resumePoint(ctx.db, tenant, req.query.last_event_id ?? req.query.since);
    const head = (req as UpgradeRequest)[UPGRADE_HEAD]!;
    const socket = req.socket;
    // From here on the socket belongs to ws; the Express response must never write to it.
    res.detachSocket(socket);
    wss.handleUpgrade(req, socket, head, (ws) => void serveSocket(ws, rt, tenant, sub, since));
  };

  app.get(REALTIME_PATH, upgradeOnly, rt.authenticate, rt.tenant({ scope: 'company', product: null }), accept);

  server.on('upgrade', (req: UpgradeRequest, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/$/, '');
    if (path !== REALTIME_PATH || closing) {
      socket.end(`HTTP/1.1 ${closing ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    req[UPGRADE_HEAD] = head;
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as never);
    // A refused upgrade was answered in plain HTTP: close the connection after it.
    res.on('finish', () => socket.end());
    socket.on('error', () => socket.destroy());
    (app as unknown as (req: IncomingMessage, res: ServerResponse) => void)(req, res);
  });

  return {
    async close() {
      closing = true;
      for (const ws of wss.clients) ws.close(1001, 'server shutting down');
      await new Promise((r) => setTimeout(r, 50).unref());
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

async function serveSocket(
  ws: WebSocket,
  rt: Runtime,
  tenant: number,
  sub: ReturnType<typeof subscriptionFromQuery>,
  since: number | undefined,
): Promise<void> {
  const send = (msg: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(JSON.stringify(msg));
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) ws.close(1013, 'client too slow; reconnect with last_event_id');
  };
  let alive = true;
  let unsubscribe: (() => void) | null = null;
  const untrack = trackConnection({ tenant, transport: 'websocket', channels: sub.channels });
  const ping = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, PING_MS);
  const cleanup = () => {
    clearInterval(ping);
    untrack();
    unsubscribe?.();
    unsubscribe = null;
  };
  ws.on('pong', () => (alive = true));
  ws.on('close', cleanup);
  ws.on('error', () => ws.terminate());
  ws.on('message', (raw: RawData) => onMessage(raw));

  function onMessage(raw: RawData): void {
    let msg: { type?: unknown; channel?: unknown; channels?: unknown };
    try {
      msg = JSON.parse(raw.toString());
    } catch {
      return send({
        type: 'error',
        code: 'bad_message',
        message: 'Frames are JSON objects: {"type":"subscribe","channel":"objects:<type_id>"}.',
      });
    }
    try {
      if (msg.type === 'ping') return send({ type: 'pong' });
      if (msg.type === 'subscribe' || msg.type === 'unsubscribe') {
        const channels = [...listParam(msg.channel), ...listParam(msg.channels)].map(checkChannel);
        if (!channels.length)
          throw new ApiError(400, 'bad_message', 'Name a channel: objects, objects:<type_id>, files, files:<folder>, … or *.');
        if (msg.type === 'subscribe' && sub.implicitAll) sub.channels.clear();
        sub.implicitAll = false;
        for (const c of channels) {
          if (msg.type === 'subscribe') sub.channels.add(c);
          else sub.channels.delete(c);
        }
        return send({ type: `${msg.type}d`, channels: [...sub.channels] });
      }
      send({ type: 'error', code: 'bad_message', message: 'Unknown message type; use subscribe, unsubscribe or ping.' });
    } catch (e) {
      send({ type: 'error', code: (e as ApiError).code ?? 'bad_message', message: (e as Error).message });
    }
  }

  send({
    type: 'connected',
    tenant_id: tenantPublicId(tenant),
    channels: [...sub.channels],
    types: sub.types,
    resumed_after: since ?? null,
  });
  try {
    const remove = await eventHub(rt.db).subscribe(
      {
        tenant,
        wants: (e) => matchChannel(sub, e) !== null,
        deliver: (e) => send({ type: 'event', channel: matchChannel(sub, e), seq: e.seq, event: toEnvelope(e) }),
        close: (reason) => ws.close(1001, reason),
      },
      since,
    );
    if (ws.readyState === ws.OPEN) unsubscribe = remove;
    else remove();
  } catch {
    send({ type: 'error', code: 'realtime_unavailable', message: 'Event stream is unavailable; reconnect shortly.' });
    ws.close(1011, 'realtime unavailable');
  }
}
