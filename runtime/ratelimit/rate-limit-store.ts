/**
 * Rate-limit counters behind one store interface: this in-process store (tests that move the clock,
 * embedded PGlite) and the store every `serve` process shares through PostgreSQL
 * (shared-rate-limit-store.ts, what services use by default). Two rules:
 * - `perMinute(n)`: a token bucket — bursts of up to n, refilled continuously (n a minute);
 * - `fixedWindow(n)`: n per clock-aligned minute, whose end is reported (X-RateLimit-Reset).
 */
export interface RateRule {
  readonly kind: 'bucket' | 'window';
  /** Requests per window (the bucket's burst size). */
  readonly limit: number;
  readonly windowMs: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Seconds until a request is allowed again (0 when allowed). */
  readonly retryAfterSeconds: number;
  /** Unix seconds when the count starts afresh (the window's end; the bucket full again). */
  readonly resetAt: number;
}

export interface RateLimitStore {
  take(key: string, rule: RateRule): Promise<TakeResult>;
}

/** `n` requests a minute, all of which may come at once. */
export function perMinute(n: number): RateRule {
  return { kind: 'bucket', limit: n, windowMs: 60_000 };
}

/** `n` requests in each clock-aligned minute. */
export function fixedWindow(n: number): RateRule {
  return { kind: 'window', limit: n, windowMs: 60_000 };
}

export class MemoryRateLimitStore implements RateLimitStore {
  /** Bucket: `n` tokens left at `at`. Window: `n` requests in the window starting at `at`. */
  private readonly counters = new Map<string, { n: number; at: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async take(key: string, rule: RateRule): Promise<TakeResult> {
    return rule.kind === 'window' ? this.window(key, rule) : this.bucket(key, rule);
  }

  private bucket(key: string, rule: RateRule): TakeResult {
    const t = this.now();
    const refillPerSecond = rule.limit / (rule.windowMs / 1000);
    let b = this.counters.get(key);
    if (b) {
      b.n = Math.min(rule.limit, b.n + ((t - b.at) / 1000) * refillPerSecond);
      b.at = t;
    } else {
      b = this.add(key, rule.limit, t);
    }
    const allowed = b.n >= 1;
    if (allowed) b.n -= 1;
    return {
      allowed,
      limit: rule.limit,
      remaining: allowed ? Math.floor(b.n) : 0,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - b.n) / refillPerSecond)),
      resetAt: Math.ceil((t + ((rule.limit - b.n) / refillPerSecond) * 1000) / 1000),
    };
  }

  private window(key: string, rule: RateRule): TakeResult {
    const t = this.now();
    const start = Math.floor(t / rule.windowMs) * rule.windowMs;
    let w = this.counters.get(key);
    if (!w) w = this.add(key, 0, start);
    else if (w.at !== start) Object.assign(w, { n: 0, at: start });
    w.n += 1;
    const allowed = w.n <= rule.limit;
    return {
      allowed,
      limit: rule.limit,
      remaining: Math.max(0, rule.limit - w.n),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((start + rule.windowMs - t) / 1000)),
      resetAt: Math.ceil((start + rule.windowMs) / 1000),
    };
  }

  /** Drops the oldest counters when full; a dropped counter restarts fresh, which only ever errs toward allowing. */
  private add(key: string, n: number, at: number): { n: number; at: number } {
    if (this.counters.size >= this.maxKeys) {
      let drop = Math.ceil(this.maxKeys / 10);
      for (const k of this.counters.keys()) {
        this.counters.delete(k);
        if (--drop <= 0) break;
      }
    }
    const c = { n, at };
    this.counters.set(key, c);
    return c;
  }
}
