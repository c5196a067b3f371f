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

const segments = (path: string): string[] => path.split('/').filter(Boolean);

/**
 * `req.baseUrl` holds the mount path of the routers around the matched route while it answers; when
 * an error leaves the routers for the app's error handler they put it back to ''. The mount path is
 * then the request path's leading segments before the route's own (each route segment, a parameter
 * included, matches one path segment), so `/v1/reservations/:id` stays whole either way. Watching
 * `req.route` being set would also work, but an accessor on the request halves Express's throughput.
 */
export function routeTemplate(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (!route || typeof route.path !== 'string') return 'unmatched';
  if (req.baseUrl) return `${req.baseUrl}${route.path}`;
  const own = segments(route.path).length;
  const all = segments(req.path);
  return all.length > own ? `/${all.slice(0, all.length - own).join('/')}${route.path}` : route.path;
}

export interface ObserveOptions {
  /** Write a log line per request (default true; metrics are always counted). */
  readonly log?: boolean;
}

let enabled = true;

/** Turns request logs and metrics off or on for the whole process (the overhead bench compares both). */
export function setRequestObservation(on: boolean): void {
  enabled = on;
}

export function observeRequests(service: string, opts: ObserveOptions = {}): RequestHandler {
  const log = opts.log ?? true;
  return (req, res, next) => {
    if (!enabled) return next();
    const started = process.hrtime.bigint();
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
  l[level](
    {
      request_id: res.locals.requestId as string | undefined,
      service,
      tenant: ctx?.tenant ? { company_code: ctx.tenant.companyCode, company_id: ctx.tenant.companyId } : undefined,
      principal: ctx?.principal ? { id: ctx.principal.userId, via: ctx.principal.via, key_id: ctx.principal.keyId } : undefined,
      method: req.method,
      route,
      status: res.statusCode,
      duration_ms: Math.round(seconds * 1e6) / 1e3,
    },
    'request',
  );
}
