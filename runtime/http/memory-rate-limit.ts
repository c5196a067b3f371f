/**
 * Fallback limiter for `Runtime.rateLimit` when createRuntime is given none: a fixed one-minute
 * window per route name and caller, in process memory. Good for one process and for tests;
 * deployments pass runtime/ratelimit's store-backed limiter instead.
 */
import type { RequestHandler } from 'express';
import type { RequestContext } from '../runtime-api.ts';
import { rateLimited } from './api-error.ts';

export function memoryRateLimit(clock: () => number = Date.now) {
  const windows = new Map<string, { start: number; used: number }>();
  return (name: string, opts: { readonly perMinute: number; readonly key?: 'ip' | 'token' }): RequestHandler =>
    (req, res, next) => {
      const ctx = res.locals.ctx as RequestContext | undefined;
      const who = opts.key === 'token' && ctx?.principal ? `u:${ctx.principal.userId}` : `ip:${req.ip ?? ''}`;
      const key = `${name}:${who}`;
      const t = clock();
      let w = windows.get(key);
      if (!w || t - w.start >= 60_000) {
        w = { start: t, used: 0 };
        windows.set(key, w);
      }
      w.used += 1;
      if (w.used > opts.perMinute) return next(rateLimited((w.start + 60_000 - t) / 1000));
      next();
    };
}
