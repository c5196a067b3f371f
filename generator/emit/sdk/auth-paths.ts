/**
 * The SDK's auth helpers: the login/refresh/logout paths they call and their type. What else differs between service styles (page
 * parameters and envelopes, success-body unwrapping) comes from generator/shared/style-conventions.ts; the
 * SDK's runtime half (iterate, error parsing) is generic and needs no per-style code.
 */
import type { ModuleNode, ServiceNode } from '../../ir/index.ts';
import { moduleApiType, moduleRoot } from './sdk-names.ts';

/**
 * Paths for services that issue JWTs: the catalogue's `auth` module actions when declared, else the LOOP
 * API document's `auth/login/`, `auth/refresh/`, `auth/logout/`; `register` only when the catalogue's sign-up returns tokens.
 */
export function authPaths(service: ServiceNode): { login: string; refresh: string; logout: string; register?: string } | null {
  if (!service.auth.includes('jwt')) return null;
  const slash = service.trailingSlash ? '/' : '';
  const path = (name: string) =>
    service.actions.find((a) => a.on === 'module' && a.name === name && a.path.startsWith('auth/'))?.path ?? `auth/${name}${slash}`;
  // A sign-up that answers with tokens (`access` in its response) signs the client in, as login does.
  const register = service.actions.find((a) => a.on === 'module' && a.name === 'register' && a.path.startsWith('auth/'));
  const issuesTokens =
    register?.response.shape === 'object' && register.response.fields.some((f) => f.name === 'access' || f.name === 'access_token');
  return { login: path('login'), refresh: path('refresh'), logout: path('logout'), ...(issuesTokens ? { register: register.path } : {}) };
}

/**
 * The auth helpers' type for a JWT service, minus what the catalogue's own `auth` module declares
 * (its typed `login` wins); null for services without JWT login.
 */
export function authType(service: ServiceNode, only?: ModuleNode): string | null {
  if (!authPaths(service)) return null;
  const authModule = service.modules.find((m) => moduleRoot(m)[0] === 'auth' && (!only || m === only));
  if (!authModule) return '{ readonly auth: AuthHelpers }';
  return `{ readonly auth: Omit<AuthHelpers, keyof ${moduleApiType(authModule)}['auth']> }`;
}
