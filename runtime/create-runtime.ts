/**
 * One Runtime per service: the members generated routers call (runtime-api.ts), built from the
 * service's AuthProvider, its handler registry and an optional audit sink. Identity rules live in
 * the provider; this file only sequences them and stores results on `res.locals.ctx`.
 */
import type { Request, RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { AuthProvider } from './auth-provider.ts';
import type { ServiceStyle } from './descriptor.ts';
import type { AuditSink, CrudDeps, WriteObserver } from './crud/crud-deps.ts';
import { list } from './crud/list.ts';
import { retrieve } from './crud/retrieve.ts';
import { create, destroy, partialUpdate, restore, update } from './crud/write-ops.ts';
import { forbidden, isApiError, unauthorized } from './http/api-error.ts';
import { ctxOf } from './http/respond.ts';
import { runAction } from './http/run-action.ts';
import { WIRE_STYLES } from './http/wire-style.ts';
import { createRateLimitMiddleware } from './ratelimit/rate-limit.ts';
import { sharedRateLimitStore } from './ratelimit/shared-rate-limit-store.ts';
import type { HandlerRegistry, RequestContext, Runtime, TenantMode } from './runtime-api.ts';
import { crudHandler } from './crud/crud-handler.ts';

type TenantOp = { scope: 'company' | 'workspace' | 'global'; product: string | null };

export interface RuntimeOptions {
  /** Idempotency-Key replay middleware (runtime/idempotency); default passes through. */
  readonly idempotent?: RequestHandler;
  /** Limiter factory (runtime/ratelimit); default counts in the database every process shares (in memory on PGlite). */
  readonly rateLimit?: Runtime['rateLimit'];
}

export interface CreateRuntimeArgs {
  readonly service: string;
  readonly style: ServiceStyle;
  readonly db: Knex;
  readonly auth: AuthProvider;
  readonly handlers: HandlerRegistry;
  /** Writes audit records inside the request's transaction (LOOP's: runtime/loop/audit/write-audit.ts). */
  readonly audit?: AuditSink;
  /** Sees every audited write inside its transaction (the platform's domain events). */
  readonly events?: WriteObserver;
  readonly options?: RuntimeOptions;
}

const passThrough: RequestHandler = (_req, _res, next) => next();

export function createRuntime(args: CreateRuntimeArgs): Runtime {
  const { auth } = args;
  const deps: CrudDeps = { audit: args.audit, events: args.events, shapes: new Map() };

  const authenticate: RequestHandler = async (req, res, next) => {
    const ctx = ctxOf(res);
    const principal = await auth.authenticate(req, ctx);
    if (!principal) throw unauthorized();
    ctx.principal = principal;
    next();
  };

  const optionalAuth: RequestHandler = async (req, res, next) => {
    const ctx = ctxOf(res);
    try {
      ctx.principal = await auth.authenticate(req, ctx);
    } catch (e) {
      // Public endpoints never refuse: bad credentials simply make the caller anonymous.
      if (!isApiError(e) || e.status !== 401) throw e;
      ctx.principal = null;
    }
    next();
  };

  /**
   * `none` → no tenant; `required` → the provider's answer, errors included (a superuser may skip the
   * header on a tenant root); `optional` → the provider's answer, or none when no company is selected
   * and none is implied (400 header needed / 403 no company at all).
   */
  async function resolveTenant(req: Request, ctx: RequestContext, op: TenantOp, mode: TenantMode, tenantRoot: boolean) {
    if (mode === 'none') return null;
    const companyOp = { ...op, scope: op.scope === 'global' ? ('company' as const) : op.scope };
    const lenient = mode === 'optional' || (tenantRoot && ctx.principal?.isSuperuser === true);
    try {
      return await auth.resolveTenant(req, ctx, companyOp);
    } catch (e) {
      if (lenient && isApiError(e) && (e.status === 400 || e.code === 'no_company_access')) return null;
      throw e;
    }
  }

  return {
    service: args.service,
    style: args.style,
    wire: WIRE_STYLES[args.style],
    db: args.db,
    authenticate,
    optionalAuth,
    tenant(scope, mode) {
      const op = { scope: scope.scope, product: scope.product };
      const effective: TenantMode = mode ?? (scope.scope === 'global' ? 'none' : 'required');
      return async (req, res, next) => {
        const ctx = ctxOf(res);
        ctx.tenant = await resolveTenant(req, ctx, op, effective, scope.tenantRoot === true);
        if (scope.tenantRoot && !ctx.tenant && ctx.principal && !ctx.principal.isSuperuser) {
          ctx.reachableCompanyIds = auth.reachableCompanyIds ? await auth.reachableCompanyIds(ctx) : [];
        }
        if (auth.resolveApp) ctx.appId = await auth.resolveApp(req, ctx, { product: op.product });
        next();
      };
    },
    requireSuperuser: (_req, res, next) => {
      const ctx = ctxOf(res);
      if (!ctx.principal) throw unauthorized();
      if (!ctx.principal.isSuperuser) throw forbidden('Only superusers may change this resource.', 'superuser_required');
      next();
    },
    permit(code) {
      if (code === null) return passThrough;
      return (_req, res, next) => {
        const ctx = ctxOf(res);
        if (!ctx.principal) throw unauthorized();
        if (!auth.can(ctx, code)) throw forbidden();
        next();
      };
    },
    idempotent: args.options?.idempotent ?? passThrough,
    rateLimit: args.options?.rateLimit ?? createRateLimitMiddleware(sharedRateLimitStore(args.db)),
    crud: {
      list: (d) => list(d),
      create: (d) => create(d, deps),
      retrieve: (d) => retrieve(d),
      update: (d) => update(d, deps),
      partialUpdate: (d) => partialUpdate(d, deps),
      destroy: (d) => destroy(d, deps),
      restore: (d) => restore(d, deps),
      handler: (d, op) => crudHandler(d, op, args.handlers, deps),
    },
    action: (d) => runAction(d, args.handlers, deps),
  };
}
