/**
 * The LOOP identity services of one database: token service, key verifier, tenant resolver, app
 * resolver and rate-limit store. The auth provider and the auth handlers share one instance per
 * database (a WeakMap on the Knex handle), so caches are invalidated where writes happen and
 * rate-limit buckets are shared between the middleware and the handlers.
 */
import type { Knex } from 'knex';
import { MemoryRateLimitStore, type RateLimitStore } from '../../ratelimit/rate-limit-store.ts';
import { sharedRateLimitStore } from '../../ratelimit/shared-rate-limit-store.ts';
import { invalidateOnWrite } from '../tenancy/cache-invalidation.ts';
import { cacheOfResource, connectLoopCaches, LOOP_CACHES, publishResourceWrite } from '../tenancy/cache-sync.ts';
import { TenantResolver } from '../tenancy/tenant-resolver.ts';
import { ApiKeyVerifier } from './api-keys.ts';
import { ClientAppResolver } from './client-apps.ts';
import { type EnvKeyConfig, envKeyConfig } from './env-key.ts';
import { loadJwtSecret } from '../../security/jwt-secret.ts';
import { TokenService } from './token-service.ts';

export interface LoopAuthOptions {
  /** Where the generated JWT secret lives when LOOP_JWT_SECRET is unset (default `.loopgen`). */
  readonly dataDir?: string;
  /** Explicit secret (tests); otherwise LOOP_JWT_SECRET or the data-dir secret. */
  readonly jwtSecret?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Clock in ms for tokens, caches and buckets; tests move it instead of sleeping. */
  readonly now?: () => number;
  readonly rateLimitStore?: RateLimitStore;
  /** Per-minute limits of the throttled auth endpoints (per IP and per email). */
  readonly limits?: Partial<AuthLimits>;
}

export interface AuthLimits {
  readonly loginPerIp: number;
  readonly loginPerEmail: number;
  readonly registerPerIp: number;
  readonly registerPerEmail: number;
  readonly resetPerIp: number;
  readonly resetPerEmail: number;
}

export const DEFAULT_LIMITS: AuthLimits = {
  loginPerIp: 30,
  loginPerEmail: 10,
  registerPerIp: 10,
  registerPerEmail: 5,
  resetPerIp: 10,
  resetPerEmail: 3,
};

export interface LoopServices {
  readonly db: Knex;
  readonly tokens: TokenService;
  readonly apiKeys: ApiKeyVerifier;
  readonly tenancy: TenantResolver;
  readonly apps: ClientAppResolver;
  readonly limiter: RateLimitStore;
  readonly limits: AuthLimits;
  readonly envKey: EnvKeyConfig | null;
  readonly now: () => number;
}

const registry = new WeakMap<Knex, LoopServices>();
let defaults: LoopAuthOptions = {};

/** Options used when services are created lazily (by a handler before any provider exists). */
export function configureLoopAuth(opts: LoopAuthOptions): void {
  defaults = opts;
}

export function loopServices(db: Knex, opts: LoopAuthOptions = defaults): LoopServices {
  const existing = registry.get(db);
  if (existing) return existing;
  const now = opts.now ?? Date.now;
  const env = opts.env ?? process.env;
  const secret = opts.jwtSecret ?? loadJwtSecret({ dataDir: opts.dataDir, env });
  const services: LoopServices = {
    db,
    tokens: new TokenService({ db, secret, now }),
    apiKeys: new ApiKeyVerifier(db, undefined, now),
    tenancy: new TenantResolver(db, { now }),
    apps: new ClientAppResolver(db, 5_000, now),
    // Shared by every process on the database; a test that moves the clock keeps its counters in memory.
    limiter: opts.rateLimitStore ?? (opts.now ? new MemoryRateLimitStore(now) : sharedRateLimitStore(db)),
    limits: { ...DEFAULT_LIMITS, ...opts.limits },
    envKey: envKeyConfig(env),
    now,
  };
  registry.set(db, services);
  // Writes made by other processes drop these caches too (runtime/loop/tenancy/cache-sync.ts).
  connectLoopCaches(db, services);
  return services;
}

/**
 * For the CRUD audit path: a write to a table the tenant resolver reads (companies, memberships,
 * roles, subscriptions, product access) drops its cached answers, so the writer's next request and
 * everyone else's in this process see the change at once; other processes drop theirs when the write
 * commits (cache bus). Writes to internal API keys and client apps do the same for those caches.
 * `db` is the service's root handle, `trx` the write's transaction.
 */
export function invalidateTenancyAfterWrite(db: Knex, resource: string, trx: Knex): void {
  const services = registry.get(db);
  if (services) {
    invalidateOnWrite(services.tenancy, resource, trx);
    const cache = cacheOfResource(resource);
    if (cache === LOOP_CACHES.apiKeys) services.apiKeys.invalidate();
    if (cache === LOOP_CACHES.apps) services.apps.invalidate();
  }
  publishResourceWrite(db, resource, trx);
}
