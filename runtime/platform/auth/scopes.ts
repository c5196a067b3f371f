/**
 * Key scopes (docs/api/platform-api.txt): read, write, schema, files, auth, ai, * (all). Permission codes reach the
 * provider in two forms:
 * - actions: `platform.<scope>` (spec/platform/*.yaml), `platform.admin` meaning `*`;
 * - resources: `<module>.<resource>.<view|add|change|delete>` (generated), mapped here by module.
 */
import type { PlatformHandlerName } from '../../../generated/platform/server/handlers.ts';

export const SCOPES = ['read', 'write', 'schema', 'files', 'auth', 'ai', '*'] as const;
export type Scope = (typeof SCOPES)[number];

/** A catalogue module name (spec/platform/<module>.yaml), so a renamed module fails the type-check here. */
type PlatformModule = PlatformHandlerName extends `${infer M}.${string}` ? M : never;

/**
 * Modules whose resources need a scope other than read (view) / write (add, change, delete). The
 * catalogue gives actions a `platform.<scope>` permission but resources only `<module>.<resource>.<op>`
 * codes, so resource scopes are named here until a resource can declare its own.
 */
const MODULE_SCOPE: Readonly<Partial<Record<PlatformModule, { read: Scope; write: Scope }>>> = {
  keys: { read: '*', write: '*' },
  users: { read: 'auth', write: 'auth' },
  roles: { read: 'auth', write: 'auth' },
  'object-types': { read: 'read', write: 'schema' },
  ai: { read: 'ai', write: 'ai' },
  'ai-providers': { read: 'ai', write: '*' },
  files: { read: 'files', write: 'files' },
};

export function scopeFor(permission: string): Scope {
  const parts = permission.split('.');
  if (parts[0] === 'platform' && parts.length === 2) {
    const s = parts[1] === 'admin' ? '*' : parts[1];
    if ((SCOPES as readonly string[]).includes(s!)) return s as Scope;
    return '*';
  }
  const mod = MODULE_SCOPE[(parts[0] ?? '') as PlatformModule];
  const read = parts[parts.length - 1] === 'view';
  if (mod) return read ? mod.read : mod.write;
  return read ? 'read' : 'write';
}

export function hasScope(granted: readonly string[] | undefined, needed: Scope): boolean {
  if (!granted) return false;
  return granted.includes('*') || granted.includes(needed);
}

/** Validates a client-supplied scope list; returns the unknown entries. */
export function unknownScopes(scopes: readonly unknown[]): string[] {
  return scopes.filter((s) => typeof s !== 'string' || !(SCOPES as readonly string[]).includes(s)).map(String);
}
