/**
 * Random identifiers: prefixed record ids in the catalogue's `id_prefix` style (`res_8f3e21a09c4b`;
 * runtime/crud/write-ops.ts fills them on create) and high-entropy secrets with a readable prefix
 * (`sk_live_…`, `rls_…`, `whsec_…`), stored only as digests (token-hash.ts).
 */
import { randomBytes } from 'node:crypto';
import { randomToken } from './token-hash.ts';

/** `svc_8f3e21a90b4c`: 48 random bits by default, enough that collisions within a table never matter in practice. */
export function newId(prefix: string, bytes = 6): string {
  return `${prefix}_${randomBytes(bytes).toString('hex')}`;
}

/** A secret token with a readable prefix: 192 random bits by default, URL-safe. */
export function newToken(prefix: string, bytes = 24): string {
  return `${prefix}${randomToken(bytes)}`;
}
