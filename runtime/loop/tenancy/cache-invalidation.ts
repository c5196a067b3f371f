/**
 * Drops cached tenancy answers (companies, memberships, roles, subscriptions, product access) when a
 * write goes through the generic CRUD to one of the tables they are read from. The hook is the CRUD
 * audit path (service-registry.ts `loopAudit`), which every CRUD write — generic or handler — calls
 * inside its transaction. Writes to these tables are rare, so the whole resolver cache is cleared
 * rather than working out which user or company a row touches.
 */
import type { Knex } from 'knex';

/** LOOP resources (qualified ids) whose rows feed `TenantResolver`'s caches. */
export const TENANCY_RESOURCES: ReadonlySet<string> = new Set([
  'loop.core.companies',
  'loop.core.memberships',
  'loop.core.roles',
  'loop.core.company-subscriptions',
  // A subscription with no products of its own opens its plan's; products map codes to ids.
  'loop.core.subscription-plans',
  'loop.core.products',
  'loop.core.product-access',
]);

export interface ClearableCache {
  clear(): void;
}

/**
 * Clears `cache` now, and again once the outermost transaction of `trx` has finished: a request
 * that read the old rows between this call and the commit (possible on a PostgreSQL pool) would
 * otherwise keep them cached for the TTL.
 */
export function invalidateOnWrite(cache: ClearableCache, resource: string, trx: Knex): boolean {
  if (!TENANCY_RESOURCES.has(resource)) return false;
  cache.clear();
  let outer = trx as Knex.Transaction;
  while (outer.parentTransaction) outer = outer.parentTransaction;
  const done = outer.executionPromise as Promise<unknown> | undefined;
  // Committed or rolled back, the cache is cleared either way (a rollback only costs a reload).
  done?.then(
    () => cache.clear(),
    () => cache.clear(),
  );
  return true;
}
