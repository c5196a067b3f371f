/**
 * Success bodies per service style. drf and roomloop send the resource itself;
 * platform wraps every body in `{ success: true, data, request_id }` (seed 002).
 */
import type { Response } from 'express';
import type { RequestContext } from '../runtime-api.ts';

export function ctxOf(res: Response): RequestContext {
  const ctx = res.locals.ctx as RequestContext | undefined;
  if (!ctx) throw new Error('res.locals.ctx is missing: mount routes through createApp()');
  return ctx;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  const ctx = ctxOf(res);
  if (ctx.style === 'platform') {
    // The envelope always has a body, so "no content" becomes 200 with `data: null`.
    res.status(status === 204 ? 200 : status).json({ success: true, data: body ?? null, request_id: ctx.requestId });
    return;
  }
  if (status === 204) {
    res.status(204).end();
    return;
  }
  res.status(status).json(body);
}
