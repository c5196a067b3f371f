/**
 * Platform's AuthProvider (runtime/auth-provider.ts). `Authorization: Bearer <token>` where the
 * token is a scoped API key (`pk_live_…`) or an end user's access JWT. Either one names its tenant,
 * so every request is in exactly one tenant and no tenant header exists. Keys are checked for
 * revocation, expiry and IP allowlist; permissions are scopes (auth/scopes.ts).
 */
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { AuthProvider } from '../../auth-provider.ts';
import type { Principal, RequestContext, TenantContext } from '../../runtime-api.ts';
import { forbidden, unauthorized } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { tenantContext } from '../tenants/tenant-store.ts';
import { findKey, KEY_PREFIX } from './api-keys.ts';
import { verifyAccess } from './end-user-tokens.ts';
import { ipAllowed } from './ip-allowlist.ts';
import { registerJwtKey } from './jwt-key.ts';
import { hasScope, scopeFor } from './scopes.ts';
import { enforceKeyLimit } from './key-rate-limit.ts';

/** Scopes an end user's JWT carries: their own data through the API, nothing administrative. */
export const END_USER_SCOPES = ['read', 'write', 'files'] as const;

export interface PlatformPrincipal extends Principal {
  readonly tenantId: number;
}

function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw unauthorized('Authorization must be "Bearer <api_key_or_jwt>".', 'invalid_auth_header');
  return m[1]!;
}

export function createPlatformAuthProvider(opts: { db: Knex; jwtSecret: Uint8Array }): AuthProvider {
  registerJwtKey(opts.db, opts.jwtSecret);
  async function fromKey(db: Knex, token: string, ip: string): Promise<PlatformPrincipal> {
    const key = await findKey(db, token);
    if (!key || key.revokedAt) throw unauthorized('Invalid or revoked API key.', 'invalid_api_key');
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw unauthorized('API key has expired.', 'api_key_expired');
    if (!ipAllowed(key.ipAllowlist, ip)) throw forbidden('This API key may not be used from this IP address.', 'ip_not_allowed');
    const tenant = await db(T.tenants).where({ id: key.companyId }).first('status');
    if (!tenant || tenant.status !== 'active') throw forbidden('Tenant is suspended.', 'tenant_suspended');
    if (key.rateLimit && key.rateLimit > 0) await enforceKeyLimit(opts.db, key.id, key.rateLimit);
    // Best effort: last_used_at is informational and must not slow or fail the request.
    void db(T.apiKeys)
      .where({ id: key.id })
      .update({ last_used_at: new Date().toISOString() })
      .catch(() => undefined);
    return {
      userId: key.id,
      email: '',
      isSuperuser: false,
      via: 'bearer_key',
      keyId: key.id,
      scopes: key.scopes,
      tenantId: key.companyId,
      role: 'key',
    };
  }

  async function fromJwt(db: Knex, token: string): Promise<PlatformPrincipal> {
    const claims = await verifyAccess(opts.jwtSecret, token);
    if (!claims) throw unauthorized('Invalid or expired access token.', 'invalid_token');
    const user = await db(T.users).where({ id: claims.userId, company_id: claims.tenantId }).first('email', 'banned', 'role');
    if (!user || user.banned) throw unauthorized('User is disabled.', 'invalid_token');
    if (claims.sessionId) {
      const s = await db(T.sessions).where({ id: claims.sessionId }).first('revoked_at');
      if (!s || s.revoked_at) throw unauthorized('Session was revoked.', 'invalid_token');
      // Best effort, at most once a minute per session: last_active_at is informational.
      const minuteAgo = new Date(Date.now() - 60_000).toISOString();
      void db(T.sessions)
        .where({ id: claims.sessionId })
        .where((q) => q.whereNull('last_active_at').orWhere('last_active_at', '<', minuteAgo))
        .update({ last_active_at: new Date().toISOString() })
        .catch(() => undefined);
    }
    return {
      userId: claims.userId,
      email: user.email,
      isSuperuser: false,
      via: 'jwt',
      scopes: END_USER_SCOPES,
      tenantId: claims.tenantId,
      role: user.role,
    };
  }

  return {
    async authenticate(req: Request, ctx: RequestContext) {
      const token = bearer(req);
      if (!token) return null;
      const db = ctx.db ?? opts.db;
      return token.startsWith(KEY_PREFIX) ? fromKey(db, token, ctx.ip) : fromJwt(db, token);
    },
    async resolveTenant(_req: Request, ctx: RequestContext): Promise<TenantContext | null> {
      const p = ctx.principal as PlatformPrincipal | null;
      if (!p) throw unauthorized();
      const t = await ctx.db(T.tenants).where({ id: p.tenantId }).first('id', 'slug');
      if (!t) throw forbidden('Tenant not found.', 'tenant_not_found');
      return tenantContext({ id: Number(t.id), slug: t.slug }, hasScope(p.scopes, '*'));
    },
    can(ctx: RequestContext, permission: string) {
      return hasScope(ctx.principal?.scopes, scopeFor(permission));
    },
  };
}
