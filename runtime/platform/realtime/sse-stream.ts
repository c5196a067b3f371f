/**
 * GET /events/stream — Server-Sent Events of the caller's tenant (docs/api/platform-api.txt: "Real-time
 * SSE stream of object and file events"). After `rt.authenticate` and `rt.tenant`:
 *
 *   event: ready            {tenant_id, request_id, channels, types, resumed_after}
 *   id: <seq>               one per domain event the subscription wants, oldest first
 *   event: <type>           (object.created, file.uploaded, …)
 *   data: {id, type, tenant_id, created_at, data, seq, channel}   — the webhook envelope plus seq/channel
 *   : ping                  every 15 s, so proxies keep the connection open
 *
 * Filters (runtime/platform/realtime/subscription.ts): `types`, `channel(s)`, `object_type(_id)`, `folder`.
 * Resume: the `Last-Event-ID` header a browser's EventSource sends after a drop (or `?last_event_id=` /
 * `?since=`) — a seq, or an `evt_…` id — replays the log after it; events are at least once, ids
 * identify repeats.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import { validation } from '../../http/api-error.ts';
import { ctxOf } from '../../http/respond.ts';
import { DOMAIN_EVENTS, toEnvelope, type DomainEvent } from '../events/event-log.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import { trackConnection } from './connections.ts';
import { eventHub } from './event-hub.ts';
import { matchChannel, subscriptionFromQuery, type Subscription } from './subscription.ts';

export const HEARTBEAT_MS = 15_000;
/** A client this far behind is cut off; it reconnects with Last-Event-ID and replays from the log. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The seq to resume after, from a seq or an `evt_…` id of the tenant; undefined when none was sent. */
export async function resumePoint(db: Knex, tenant: number, raw: unknown): Promise<number | undefined> {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const s = String(raw).trim();
  if (/^\d{1,15}$/.test(s)) return Number(s);
  if (/^evt_[A-Za-z0-9_-]{1,100}$/.test(s)) {
    const row = await db(DOMAIN_EVENTS).where({ id: s, company_id: tenant }).first('seq');
    if (row) return Number(row.seq);
  }
  throw validation({ last_event_id: [`"${s.slice(0, 80)}" is not an event of this tenant (send the id or seq of a received event).`] });
}

/** The wire form of one event on a stream or socket. */
export function wireEvent(e: DomainEvent, channel: string): Record<string, unknown> {
  return { ...toEnvelope(e), seq: e.seq, channel };
}

export function sseStream(): RequestHandler {
  return async (req: Request, res: Response) => {
    const ctx = ctxOf(res);
    const tenant = ctx.tenant!.companyId;
    const sub: Subscription = subscriptionFromQuery(req.query as Record<string, unknown>);
    const since = await resumePoint(ctx.db, tenant, req.get('last-event-id') ?? req.query.last_event_id ?? req.query.since);

    res
      .status(200)
      .set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const ready = {
      tenant_id: tenantPublicId(tenant),
      request_id: ctx.requestId,
      channels: [...sub.channels],
      types: sub.types,
      resumed_after: since ?? null,
    };
    res.write(`retry: 2000\nevent: ready\ndata: ${JSON.stringify(ready)}\n\n`);

    let ended = false;
    let unsubscribe: (() => void) | null = null;
    const untrack = trackConnection({ tenant, transport: 'sse', channels: sub.channels });
    const ping = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const end = () => {
      if (ended) return;
      ended = true;
      clearInterval(ping);
      untrack();
      unsubscribe?.();
      if (!res.writableEnded) res.end();
    };
    req.on('close', end);
    res.on('close', end);

    try {
      const remove = await eventHub(ctx.db).subscribe(
        {
          tenant,
          wants: (e) => matchChannel(sub, e) !== null,
          deliver(e) {
            if (ended) return;
            const channel = matchChannel(sub, e) ?? '*';
            res.write(`id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(wireEvent(e, channel))}\n\n`);
            if (res.writableLength > MAX_BUFFERED_BYTES) end();
          },
          close(reason) {
            if (!ended) res.write(`event: close\ndata: ${JSON.stringify({ reason })}\n\n`);
            end();
          },
        },
        since,
      );
      if (ended) remove();
      else unsubscribe = remove;
    } catch {
      // The event log could not be read (database unreachable): say so on the stream; the client retries.
      if (!ended)
        res.write(
          `event: error\ndata: ${JSON.stringify({ code: 'realtime_unavailable', message: 'Event stream is unavailable; retry shortly.' })}\n\n`,
        );
      end();
    }
  };
}
