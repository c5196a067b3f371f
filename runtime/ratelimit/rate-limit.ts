/**
 * The one rate limiter: `Runtime.rateLimit(name, { perMinute, key })`, the same check for handlers
 * that limit by a value from the body (login/register/password reset per email), and a per-credential
 * limit reported in X-RateLimit-* headers (RoomLoop's "rate limits apply per token"). Counters live in
 * a RateLimitStore (rate-limit-store.ts). Over the limit → 429 with `Retry-After`.
 */
import type { RequestHandler } from 'express';
import { ApiError, rateLimited } from '../http/api-error.ts';
import type { RequestContext } from '../runtime-api.ts';
import { sha256Hex } from '../security/token-hash.ts';
import { fixedWindow, MemoryRateLimitStore, perMinute, type RateLimitStore } from './rate-limit-store.ts';

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
    if (cred) return 'c:' + sha256Hex(cred).slice(0, 32);
  }
  return `ip:${ctx?.ip ?? ip ?? 'unknown'}`;
}

export interface CredentialLimiter {
  /** Counts one request of `credential`; returns the X-RateLimit-* headers to send, or throws 429 carrying them. */
  hit(credential: string): Promise<Record<string, string>>;
}

/** `limit` requests in each clock-aligned minute per credential (the clock is pinned in tests). */
export function credentialLimiter(
  limit: number,
  opts: { readonly clock?: () => number; readonly store?: RateLimitStore } = {},
): CredentialLimiter {
  const store = opts.store ?? new MemoryRateLimitStore(opts.clock);
  const rule = fixedWindow(limit);
  return {
    async hit(credential) {
      const r = await store.take(`credential:${credential}`, rule);
      const headers = {
        'X-RateLimit-Limit': String(r.limit),
        'X-RateLimit-Remaining': String(r.remaining),
        'X-RateLimit-Reset': String(r.resetAt),
      };
      if (r.allowed) return headers;
      const retry = String(r.retryAfterSeconds);
      throw new ApiError(429, 'rate_limited', `Too many requests for this token; retry in ${retry} s.`, {
        headers: { ...headers, 'Retry-After': retry },
      });
    },
  };
}
