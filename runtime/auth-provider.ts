/**
 * The seam between the generic HTTP runtime and a service's identity rules.
 * `createRuntime` calls these; each service supplies its own provider
 * (LOOP: JWT + X-LOOP-API-KEY + X-Company-ID memberships; RoomLoop: session / sk_live keys; platform: scoped keys).
 * Providers throw `ApiError` (runtime/http/api-error.ts) for 401/403/400 outcomes.
 */
import type { Request } from 'express';
import type { Principal, RequestContext, TenantContext } from './runtime-api.ts';

export interface AuthProvider {
  /** Reads credentials from the request; null when none were sent. Throws 401 for bad/expired/revoked ones. */
  authenticate(req: Request, ctx: RequestContext): Promise<Principal | null>;
  /**
   * Resolves the tenant for an operation of the given scope/product, or null for global operations.
   * Throws 400 (ambiguous/missing header), 403 (no membership, no subscription, key not allowed for company).
   */
  resolveTenant(
    req: Request,
    ctx: RequestContext,
    op: { scope: 'company' | 'workspace' | 'global'; product: string | null },
  ): Promise<TenantContext | null>;
  /** Validates and records the calling app header (X-LOOP-APP-ID); throws 403 for unknown/disabled apps. */
  resolveApp?(req: Request, ctx: RequestContext, op: { product: string | null }): Promise<string | null>;
  /** True when the principal may use the permission in the current tenant. */
  can(ctx: RequestContext, permission: string): boolean;
}
