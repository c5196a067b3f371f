/**
 * LOOP's identity caches (tenancy answers, internal API keys, client apps, revoked sessions — TTL
 * caches of a few seconds, one set per database handle in loop-services.ts) kept consistent across
 * `serve` processes: a write publishes an invalidation on the cache bus (runtime/pubsub/cache-bus.ts,
 * NOTIFY loopgen_cache), and every process drops the entry when the write commits, instead of
 * serving the old answer until its TTL ends.
 */
import type { Knex } from 'knex';
import { onInvalidation, publishAfterCommit, publishInvalidation } from '../../pubsub/cache-bus.ts';
import { TENANCY_RESOURCES } from './cache-invalidation.ts';

export const LOOP_CACHES = {
  tenancy: 'loop.tenancy',
  apiKeys: 'loop.api-keys',
  apps: 'loop.client-apps',
  sessions: 'loop.revoked-sessions',
} as const;

/** The caches of one database's identity services that a bus message can reach. */
export interface LoopCaches {
  readonly tenancy: { clear(): void; invalidateUser(userId: number): void };
  readonly apiKeys: { invalidate(prefix?: string): void };
  readonly apps: { invalidate(): void };
  readonly tokens: { forgetRevocation(sid?: string): void };
}

/** The cache a CRUD write to `resource` makes stale, if any. */
export function cacheOfResource(resource: string): string | null {
  if (TENANCY_RESOURCES.has(resource)) return LOOP_CACHES.tenancy;
  if (resource === 'loop.core.internal-api-keys') return LOOP_CACHES.apiKeys;
  if (resource === 'loop.core.api-client-apps') return LOOP_CACHES.apps;
  return null;
}

/** Subscribes the caches of `db`'s services to invalidations from every process. */
export function connectLoopCaches(db: Knex, c: LoopCaches): void {
  onInvalidation(db, LOOP_CACHES.tenancy, (key) => {
    const user = key ? /^user:(\d+)$/.exec(key) : null;
    if (user) c.tenancy.invalidateUser(Number(user[1]));
    else c.tenancy.clear();
  });
  onInvalidation(db, LOOP_CACHES.apiKeys, (key) => c.apiKeys.invalidate(key ?? undefined));
  onInvalidation(db, LOOP_CACHES.apps, () => c.apps.invalidate());
  onInvalidation(db, LOOP_CACHES.sessions, (key) => c.tokens.forgetRevocation(key ?? undefined));
}

/** After a CRUD write (the audit hook): other processes drop the cache `resource` feeds once it commits. */
export function publishResourceWrite(db: Knex, resource: string, trx: Knex): void {
  const cache = cacheOfResource(resource);
  if (cache) publishAfterCommit(db, trx, cache);
}

/** A user's memberships changed inside `trx` (registration, accepted invitation). */
export function publishUserChanged(db: Knex, trx: Knex, userId: number): Promise<void> {
  return publishInvalidation(db, trx, LOOP_CACHES.tenancy, `user:${userId}`);
}

/** A session was revoked inside `trx`: every process stops trusting its cached "not revoked". */
export function publishSessionRevoked(db: Knex, trx: Knex, sid: string): Promise<void> {
  return publishInvalidation(db, trx, LOOP_CACHES.sessions, sid);
}
