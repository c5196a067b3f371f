/**
 * One log line and one metrics sample per answered request, written when the answer is finished:
 * request id (X-Request-ID), service, tenant (company code and id), principal, method, route template,
 * status and duration. The route is the template Express matched (`/api/v1/crm/contacts/:id/`); a
 * request no route matched is `unmatched`, so neither logs nor metric labels carry raw paths or ids.
 */
import type { RequestHandler, Request, Response } from 'express';
import type { RequestContext } from '../runtime-api.ts';
import { logger } from './logger.ts';
import { httpDuration, httpRequests } from './metrics.ts';

/** Where the matched route's router was mounted, captured when Express assigns `req.route`. */
const ROUTE_BASE = Symbol('loopgen.routeBase');

type Observed = Request & { [ROUTE_BASE]?: string };

/**
 * Express sets `req.route` when a route starts handling the request, with `req.baseUrl` then holding
 * the mount path of every router around it; by the time an error reaches the app's handler the routers
 * have put `baseUrl` back. Capturing it at assignment keeps `/v1/reservations/:id` whole either way.
 */
function captureRouteBase(req: Observed): void {
  let route: unknown;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: unknown) {
      route = value;
      req[ROUTE_BASE] = req.baseUrl;
    },
  });
}

export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string') return 'unmatched';
  return `${(req as Observed)[ROUTE_BASE] ?? req.baseUrl ?? ''}${route.path}`;
}

export interface ObserveOptions {
  /** Write a log line per request (default true; metrics are always counted). */
  readonly log?: boolean;
}

export function observeRequests(service: string, opts: ObserveOptions = {}): RequestHandler {
  const log = opts.log ?? true;
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    captureRouteBase(req);
    res.once('finish', () => record(service, req, res, started, log));
    next();
  };
}

function record(service: string, req: Request, res: Response, started: bigint, log: boolean): void {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const route = routeTemplate(req);
  const labels = { service, method: req.method, route, status: String(res.statusCode) };
  httpRequests.inc(labels);
  httpDuration.observe(labels, seconds);
  if (!log) return;
  const l = logger();
  const level = res.statusCode >= 500 ? 'error' : 'info';
  if (!l.isLevelEnabled(level)) return;
  const ctx = res.locals.ctx as RequestContext | undefined;
  l[level]({
    request_id: res.locals.requestId as string | undefined,
    service,
    tenant: ctx?.tenant ? { company_code: ctx.tenant.companyCode, company_id: ctx.tenant.companyId } : undefined,
    principal: ctx?.principal ? { id: ctx.principal.userId, via: ctx.principal.via, key_id: ctx.principal.keyId } : undefined,
    method: req.method,
    route,
    status: res.statusCode,
    duration_ms: Math.round(seconds * 1e6) / 1e3,
  }, 'request');
}
