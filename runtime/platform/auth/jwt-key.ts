/**
 * The end-user JWT secret of a running service, keyed by its database handle: the auth provider
 * registers it, the /v1/auth handlers (which only see `ctx.db`) read it. Keyed rather than global
 * so several services or test databases in one process never share a secret by accident.
 */
import type { Knex } from 'knex';

const keys = new WeakMap<object, Uint8Array>();

export function registerJwtKey(db: Knex, secret: Uint8Array): void {
  keys.set(db, secret);
}

export function jwtKeyFor(db: Knex): Uint8Array {
  const k = keys.get(db);
  if (!k) throw new Error('platform: no JWT secret registered for this database (createPlatformAuthProvider not called)');
  return k;
}
