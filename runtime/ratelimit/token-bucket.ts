/**
 * Token-bucket rate limiting. The store is an interface so counters can move to Redis when more than
 * one process serves (DESIGN.md, "Scaling out"); the in-process store is the default.
 */
export interface BucketRule {
  /** Burst size: requests allowed at once. */
  readonly capacity: number;
  /** Tokens added back per second. */
  readonly refillPerSecond: number;
}

export interface TakeResult {
  readonly allowed: boolean;
  readonly remaining: number;
  /** Seconds until one token is available again (0 when allowed). */
  readonly retryAfterSeconds: number;
}

export interface RateLimitStore {
  take(key: string, rule: BucketRule): Promise<TakeResult>;
}

/** `n` requests a minute, all of which may come at once. */
export function perMinute(n: number): BucketRule {
  return { capacity: n, refillPerSecond: n / 60 };
}

export class MemoryBucketStore implements RateLimitStore {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 100_000,
  ) {}

  async take(key: string, rule: BucketRule): Promise<TakeResult> {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(rule.capacity, b.tokens + ((t - b.at) / 1000) * rule.refillPerSecond);
      b.at = t;
    } else {
      if (this.buckets.size >= this.maxKeys) this.evictFull(rule);
      b = { tokens: rule.capacity, at: t };
      this.buckets.set(key, b);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, remaining: Math.floor(b.tokens), retryAfterSeconds: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / rule.refillPerSecond)) };
  }

  /** Drops the oldest buckets; a dropped bucket restarts full, which only ever errs toward allowing. */
  private evictFull(_rule: BucketRule): void {
    let n = Math.ceil(this.maxKeys / 10);
    for (const k of this.buckets.keys()) {
      this.buckets.delete(k);
      if (--n <= 0) break;
    }
  }
}
