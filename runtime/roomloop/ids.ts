import { randomBytes } from 'node:crypto';

/** Prefixed random id in the catalogue's style (`res_8f3e21a09c4b`, seed 001). */
export function newId(prefix: string, bytes = 6): string {
  return `${prefix}_${randomBytes(bytes).toString('hex')}`;
}

/** High-entropy secret token with a readable prefix (`sk_live_…`, `rls_…`, `whsec_…`). */
export function newToken(prefix: string, bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString('base64url')}`;
}
