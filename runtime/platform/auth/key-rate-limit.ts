/**
 * A platform key's own `rate_limit` (POST/PATCH /v1/keys): that many requests in each clock-aligned
 * minute, counted in the store every `serve` process on the database shares
 * (runtime/ratelimit/shared-rate-limit-store.ts), so three processes behind a balancer still let a
 * key with `rate_limit: 3` through three times a minute, not nine. Over it: 429 `rate_limited` with
 * Retry-After and X-RateLimit-* headers.
 */
import type { Knex } from 'knex';
import { ApiError } from '../../http/api-error.ts';
import { fixedWindow } from '../../ratelimit/rate-limit-store.ts';
import { sharedRateLimitStore } from '../../ratelimit/shared-rate-limit-store.ts';

export async function enforceKeyLimit(db: Knex, keyId: string, perMinute: number): Promise<void> {
  const r = await sharedRateLimitStore(db).take(`platform-key:${keyId}`, fixedWindow(perMinute));
  if (r.allowed) return;
  const retry = String(r.retryAfterSeconds);
  throw new ApiError(429, 'rate_limited', `This API key allows ${perMinute} requests a minute; retry in ${retry} s.`, {
    headers: {
      'Retry-After': retry,
      'X-RateLimit-Limit': String(r.limit),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(r.resetAt),
    },
  });
}
