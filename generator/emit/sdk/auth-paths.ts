/**
 * Login/refresh/logout paths the SDK's auth helpers call. What else differs between service styles (page
 * parameters and envelopes, success-body unwrapping) comes from generator/shared/style-conventions.ts; the
 * SDK's runtime half (iterate, error parsing) is generic and needs no per-style code.
 */
import type { ServiceNode } from '../../ir/index.ts';

/**
 * Paths for services that issue JWTs: the catalogue's `auth` module actions when declared, else the LOOP
 * API document's `auth/login/`, `auth/refresh/`, `auth/logout/`.
 */
export function authPaths(service: ServiceNode): { login: string; refresh: string; logout: string } | null {
  if (!service.auth.includes('jwt')) return null;
  const slash = service.trailingSlash ? '/' : '';
  const path = (name: string) =>
    service.actions.find((a) => a.on === 'module' && a.name === name && a.path.startsWith('auth/'))?.path ?? `auth/${name}${slash}`;
  return { login: path('login'), refresh: path('refresh'), logout: path('logout') };
}
