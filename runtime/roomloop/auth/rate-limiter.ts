/**
 * Per-token rate limit (seed 001: "Rate limits apply per token"): a fixed one-minute window per
 * credential, in process memory (DESIGN: counters move to Redis when more than one process serves).
 * Every authenticated response carries X-RateLimit-Limit/-Remaining/-Reset; over the limit the
 * request is refused 429 rate_limited with Retry-After.
 */
import { ApiError } from '../../http/api-error.ts';

export interface RateLimitState {
  readonly limit: number;
  readonly remaining: number;
  /** Unix seconds when the window resets. */
  readonly reset: number;
}

export class TokenRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly perMinute: number, private readonly clock: () => number = Date.now) {}

  /** Counts one request for `token`; throws 429 when over the limit. Returns headers to set. */
  hit(token: string): Record<string, string> {
    const t = this.clock();
    const windowStart = Math.floor(t / 60_000) * 60_000;
    let w = this.windows.get(token);
    if (!w || w.start !== windowStart) {
      w = { start: windowStart, count: 0 };
      this.windows.set(token, w);
      if (this.windows.size > 50_000) this.sweep(windowStart);
    }
    w.count++;
    const reset = Math.ceil((windowStart + 60_000) / 1000);
    const headers = {
      'X-RateLimit-Limit': String(this.perMinute),
      'X-RateLimit-Remaining': String(Math.max(0, this.perMinute - w.count)),
      'X-RateLimit-Reset': String(reset),
    };
    if (w.count > this.perMinute) {
      const retry = Math.max(1, Math.ceil((windowStart + 60_000 - t) / 1000));
      throw new ApiError(429, 'rate_limited', `Too many requests for this token; retry in ${retry} s.`, { headers: { ...headers, 'Retry-After': String(retry) } });
    }
    return headers;
  }

  private sweep(current: number): void {
    for (const [k, w] of this.windows) if (w.start !== current) this.windows.delete(k);
  }
}
