/**
 * LOOP's AuthProvider (runtime/auth-provider.ts): `Authorization: Bearer <jwt>` or `X-LOOP-API-KEY`
 * for identity, `X-Company-ID` for the tenant, `X-LOOP-APP-ID` for the calling app (docs/api/loop-api.txt).
 */
import type { Request } from 'express';
import type { AuthProvider } from '../../auth-provider.ts';
import { ApiError } from '../../http/api-error.ts';
import type { Principal, RequestContext } from '../../runtime-api.ts';
import { grants } from '../tenancy/permissions.ts';
import { TENANT_HEADER } from '../tenancy/tenant-resolver.ts';
import { TtlCache } from '../tenancy/ttl-cache.ts';
import { writeAuditBestEffort } from '../audit/write-audit.ts';
import { APP_HEADER } from './client-apps.ts';
import { envKeyPrincipal, matchesEnvKey } from './env-key.ts';
import { type LoopAuthOptions, configureLoopAuth, loopServices } from './loop-services.ts';
import { findActiveUser } from './user-store.ts';

export const API_KEY_HEADER = 'X-LOOP-API-KEY';

export function createLoopAuthProvider(opts: LoopAuthOptions = {}): AuthProvider {
  configureLoopAuth(opts);
  const svc = (ctx: RequestContext) => loopServices(ctx.db, opts);
  // Whether a user is still active, per user id, so a deactivated user's JWT stops within seconds.
  const activeUsers = new TtlCache<string, boolean>(5_000, 50_000, opts.now ?? Date.now);
  const auditedKeyUse = new TtlCache<string, true>(60_000, 10_000, opts.now ?? Date.now);

  return {
    async authenticate(req: Request, ctx: RequestContext): Promise<Principal | null> {
      const s = svc(ctx);
      const key = req.get(API_KEY_HEADER);
      if (key) {
        const principal = matchesEnvKey(s.envKey, key) ? await envKeyPrincipal(ctx.db, s.envKey!) : await s.apiKeys.verify(key);
        await auditKeyUse(ctx, principal);
        return principal;
      }
      const header = req.get('authorization');
      if (!header) return null;
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new ApiError(401, 'authentication_failed', 'Authorization header must be "Bearer <access token>".');
      const claims = await s.tokens.verifyAccess(m[1]!);
      const active = await activeUsers.getOrLoad(String(claims.userId), async () => Boolean(await findActiveUser(ctx.db, claims.userId)));
      if (!active) throw new ApiError(401, 'user_inactive', 'User is inactive or deleted.');
      return { userId: claims.userId, email: claims.email, isSuperuser: claims.isSuperuser, via: 'jwt' };
    },

    async resolveTenant(req, ctx, op) {
      if (op.scope === 'global') return null;
      if (!ctx.principal) throw new ApiError(401, 'not_authenticated', 'Authentication credentials were not provided.');
      return svc(ctx).tenancy.resolve(ctx.principal, req.get(TENANT_HEADER), op.product);
    },

    async resolveApp(req, ctx, op) {
      return svc(ctx).apps.resolve(req.get(APP_HEADER), op.product);
    },

    async reachableCompanyIds(ctx) {
      const p = ctx.principal;
      if (!p) return [];
      const ids = (await svc(ctx).tenancy.reachableCompanies(Number(p.userId))).map((c) => Number(c.id));
      return p.allowedCompanyIds ? ids.filter((id) => p.allowedCompanyIds!.includes(id)) : ids;
    },

    can(ctx, permission) {
      if (ctx.principal?.isSuperuser) return true;
      return ctx.tenant ? grants(ctx.tenant.permissions, permission) : false;
    },
  };

  /** One `api_key_used` audit row per key and IP a minute: a trace of key use without a write per request. */
  async function auditKeyUse(ctx: RequestContext, p: Principal): Promise<void> {
    const k = `${p.via}:${p.keyId ?? p.userId}:${ctx.ip}`;
    if (auditedKeyUse.get(k)) return;
    auditedKeyUse.set(k, true);
    await writeAuditBestEffort(ctx.db, {
      action: 'api_key_used',
      resource: 'core.internal-api-keys',
      recordId: p.keyId ?? null,
      actorId: p.userId,
      appId: ctx.appId,
      ip: ctx.ip,
      requestId: ctx.requestId,
      changes: { via: p.via },
    });
  }
}
