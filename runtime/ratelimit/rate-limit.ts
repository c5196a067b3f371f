/**
 * `Runtime.rateLimit(name, { perMinute, key })` and the same check for handlers that limit by a value
 * from the body (login/register/password reset per email). Over the limit → 429 with `Retry-After`.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { rateLimited } from '../http/api-error.ts';
import type { RequestContext } from '../runtime-api.ts';
import { type RateLimitStore, perMinute } from './token-bucket.ts';

/** Throws 429 when `name:subject` has used up `limit` requests a minute. */
export async function enforceRateLimit(store: RateLimitStore, name: string, subject: string, limit: number): Promise<void> {
  const r = await store.take(`${name}:${subject}`, perMinute(limit));
  if (!r.allowed) throw rateLimited(r.retryAfterSeconds);
}

export function createRateLimitMiddleware(store: RateLimitStore) {
  return (name: string, opts: { readonly perMinute: number; readonly key?: 'ip' | 'token' }): RequestHandler =>
    async (req, res, next) => {
      try {
        const ctx = res.locals.ctx as RequestContext | undefined;
        await enforceRateLimit(store, name, subjectOf(req.headers, ctx, req.ip, opts.key ?? 'ip'), opts.perMinute);
        next();
      } catch (e) {
        next(e);
      }
    };
}

function subjectOf(headers: Record<string, unknown>, ctx: RequestContext | undefined, ip: string | undefined, key: 'ip' | 'token'): string {
  if (key === 'token') {
    if (ctx?.principal) return `u:${ctx.principal.userId}`;
    const cred = String(headers.authorization ?? headers['x-loop-api-key'] ?? '');
    // Key by a digest of the credential, never the credential itself.
    if (cred) return 'c:' + createHash('sha256').update(cred).digest('hex').slice(0, 32);
  }
  return `ip:${ctx?.ip ?? ip ?? 'unknown'}`;
}
