/**
 * Rate-limit counters every `serve` process on one database shares: rate-limiter-flexible's
 * RateLimiterPostgres over the service's knex pool (an atomic INSERT … ON CONFLICT DO UPDATE per hit
 * on one small table, `loopgen_rate_limits` in the service's schema, created by the library on first
 * use; expired rows are reused in place and swept hourly).
 *
 * Semantics against the in-memory store (rate-limit-store.ts): `window` rules stay clock-aligned (the
 * window's start is part of the key); a `bucket` rule becomes a fixed window that opens at the first
 * hit — n requests, then refusals until the window ends — which is what the library keeps atomically in
 * one row. Both answer the same TakeResult (remaining, Retry-After, reset).
 *
 * On embedded PGlite the store is the in-memory one, on purpose: PGlite is one process (its data
 * directory is locked to it), so memory is exactly as shared as the database; and PGlite has a single
 * connection, so a counter query from inside a request's open transaction would wait on itself.
 */
import type { Knex } from 'knex';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { databaseSchema } from '../db/open-database.ts';
import { MemoryRateLimitStore, type RateLimitStore, type RateRule, type TakeResult } from './rate-limit-store.ts';

export const RATE_LIMIT_TABLE = 'loopgen_rate_limits';

export class PostgresRateLimitStore implements RateLimitStore {
  /** The first limiter creates the table; later ones (other rules) wait for it and skip creation. */
  private table: Promise<void> | null = null;
  private readonly limiters = new Map<string, Promise<RateLimiterPostgres>>();

  constructor(
    private readonly db: Knex,
    private readonly now: () => number = Date.now,
  ) {}

  async take(key: string, rule: RateRule): Promise<TakeResult> {
    const t = this.now();
    const windowStart = rule.kind === 'window' ? Math.floor(t / rule.windowMs) * rule.windowMs : null;
    const limiter = await this.limiter(rule);
    let res: RateLimiterRes;
    let allowed = true;
    try {
      res = await limiter.consume(windowStart === null ? key : `${key}@${windowStart}`, 1);
    } catch (e) {
      if (!(e instanceof RateLimiterRes)) throw e;
      res = e;
      allowed = false;
    }
    const msLeft = Math.max(0, res.msBeforeNext);
    const resetMs = windowStart === null ? t + msLeft : windowStart + rule.windowMs;
    return {
      allowed,
      limit: rule.limit,
      remaining: allowed ? res.remainingPoints : 0,
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((resetMs - t) / 1000)),
      resetAt: Math.ceil(resetMs / 1000),
    };
  }

  private limiter(rule: RateRule): Promise<RateLimiterPostgres> {
    const id = `${rule.limit}x${rule.windowMs}`;
    let l = this.limiters.get(id);
    if (!l) {
      const create = !this.table;
      l = (async () => {
        if (!create) await this.table;
        return await new Promise<RateLimiterPostgres>((resolve, reject) => {
          const limiter: RateLimiterPostgres = new RateLimiterPostgres(
            {
              storeClient: this.db,
              storeType: 'knex',
              schemaName: databaseSchema(this.db),
              tableName: RATE_LIMIT_TABLE,
              tableCreated: !create,
              // Keys of different rules never share a row: the rule is part of the stored key.
              keyPrefix: `r${id}`,
              points: rule.limit,
              duration: Math.max(1, Math.ceil(rule.windowMs / 1000)),
            },
            // Called synchronously when the table exists already: resolve once the constructor returned.
            (err?: unknown) => (err ? reject(err) : queueMicrotask(() => resolve(limiter))),
          );
        });
      })();
      if (create) this.table = l.then(() => undefined);
      // A failed creation (database down) is retried by the next request instead of failing for good.
      l.catch(() => {
        this.limiters.delete(id);
        if (create) this.table = null;
      });
      this.limiters.set(id, l);
    }
    return l;
  }
}

const stores = new WeakMap<Knex, RateLimitStore>();

/** The rate-limit store of `db`: shared through PostgreSQL, or in memory on PGlite (see above). */
export function sharedRateLimitStore(db: Knex): RateLimitStore {
  let s = stores.get(db);
  if (!s) {
    const embedded = Boolean((db.client as { pglite?: unknown }).pglite);
    s = embedded ? new MemoryRateLimitStore() : new PostgresRateLimitStore(db);
    stores.set(db, s);
  }
  return s;
}
