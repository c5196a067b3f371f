/** Success answers in the service's wire style (runtime/http/styles/). */
import type { Response } from 'express';
import type { RequestContext } from '../runtime-api.ts';

export function ctxOf(res: Response): RequestContext {
  const ctx = res.locals.ctx as RequestContext | undefined;
  if (!ctx) throw new Error('res.locals.ctx is missing: mount routes through createApp()');
  return ctx;
}

export function sendJson(res: Response, status: number, body: unknown): void {
  const ctx = ctxOf(res);
  ctx.wire.ok(res, status, body, ctx.requestId);
}
