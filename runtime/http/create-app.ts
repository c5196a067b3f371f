/**
 * The Express application around a service's generated routes:
 * request id → JSON body → per-request context → routes → 404 → error handler.
 * Error bodies follow the runtime's wire style (runtime/http/styles/).
 */
import { randomUUID } from 'node:crypto';
import express, { type Application, type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { RequestContext, Runtime } from '../runtime-api.ts';
import { ApiError } from './api-error.ts';
import { isPgError, looksLikeDriverText, withoutDriverText } from './database-errors.ts';
import { inputGuard } from './input-guard.ts';
import { sendError } from './render-error.ts';
import { allowHeader, routesFor } from './route-table.ts';
import { dispatchByFirstSegment } from './route-dispatch.ts';
import { toApiError } from './to-api-error.ts';
import { logger, mountObservability, noteRefusal, observeRequests } from '../observability/index.ts';

export interface CreateAppOptions {
  readonly runtime: Runtime;
  readonly routes: Router;
  /** Service base path, e.g. `/api/v1/`. */
  readonly basePath: string;
  /** Hook for docs, assets and other non-generated routes; runs before the generated routes. */
  readonly extra?: (app: Application) => void;
  /** express.json limit; default 1mb. */
  readonly jsonLimit?: string;
  /** Trust X-Forwarded-* (behind a proxy). */
  readonly trustProxy?: boolean | number | string;
  /** Called with unexpected (500) errors; default logs them (runtime/observability/logger.ts) with the request id. */
  readonly onServerError?: (err: unknown, ctx: RequestContext | undefined) => void;
  /** Called with a database error answered as a 4xx (the driver's text, kept out of the answer); default logs a line. */
  readonly onRefusedInput?: (err: unknown, ctx: RequestContext | undefined) => void;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's X-Request-ID when it is sane, else makes one; echoes it back. */
function requestId(): RequestHandler {
  return (req, res, next) => {
    const given = req.get('X-Request-ID');
    const id = given && REQUEST_ID.test(given) ? given : randomUUID();
    res.set('X-Request-ID', id);
    res.locals.requestId = id;
    next();
  };
}

function context(rt: Runtime, basePath: string): RequestHandler {
  return (req, res, next) => {
    const ctx: RequestContext = {
      requestId: res.locals.requestId as string,
      service: rt.service,
      style: rt.style,
      wire: rt.wire,
      basePath,
      ip: req.ip ?? '',
      userAgent: req.get('user-agent') ?? null,
      db: rt.db,
      principal: null,
      tenant: null,
      appId: null,
    };
    res.locals.ctx = ctx;
    next();
  };
}

/**
 * Column → wire name for errors outside a resource's own code (actions, handlers): the column itself
 * when the request sent it, else the ref's wire name (`service_id` → `service`) when that was sent.
 */
function wireColumn(input: { body: unknown }): (column: string) => string {
  const sent = input.body && typeof input.body === 'object' ? (input.body as Record<string, unknown>) : {};
  return (column) => (!(column in sent) && column.endsWith('_id') && column.slice(0, -3) in sent ? column.slice(0, -3) : column);
}

/** One log line for a refused input: SQLSTATE and the driver's first line (which may hold the SQL). */
function describeRefusal(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `refused input (${e.code ?? 'message'}): ${(e.message ?? String(err)).split('\n')[0]!.slice(0, 500)}`;
}

export function createApp(opts: CreateAppOptions): Application {
  const { runtime: rt } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(requestId());
  const base = '/' + opts.basePath.replace(/^\/+|\/+$/g, '');
  app.use(context(rt, base === '/' ? '/' : `${base}/`));
  app.use(observeRequests(rt.service));
  mountObservability(app);
  app.use(express.json({ limit: opts.jsonLimit ?? '1mb' }));
  app.use(inputGuard((path) => routesFor(app.router.stack, path).params));
  opts.extra?.(app);
  dispatchByFirstSegment(opts.routes);
  app.use(base === '/' ? '/' : base, opts.routes);

  // A known path asked with a method it lacks is 405 with `Allow`; otherwise a distinct 404 code, so
  // clients (and the inventory test) can tell "no such endpoint" from "no such record".
  app.use((req) => {
    const routes = routesFor(app.router.stack, req.path);
    if (routes.methods.size && !routes.anyMethod && !routes.methods.has(req.method)) {
      throw new ApiError(405, 'method_not_allowed', `Method "${req.method}" not allowed.`, {
        headers: { Allow: allowHeader(routes.methods) },
      });
    }
    throw new ApiError(404, 'route_not_found', `No endpoint ${req.method} ${req.path}.`);
  });

  const onServerError =
    opts.onServerError ??
    ((err: unknown, ctx: RequestContext | undefined) => {
      logger().error({ err, request_id: ctx?.requestId, service: rt.service }, 'unhandled error');
    });
  const onRefusedInput =
    opts.onRefusedInput ??
    ((err: unknown, ctx: RequestContext | undefined) => {
      logger().warn({ request_id: ctx?.requestId, service: rt.service, sqlstate: (err as { code?: string }).code }, describeRefusal(err));
    });
  const handleError: ErrorRequestHandler = (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const requestId = (res.locals.requestId as string | undefined) ?? '';
    const ctx = res.locals.ctx as RequestContext | undefined;
    const input = { body: req.body as unknown, query: req.query as Record<string, unknown> };
    const known = toApiError(err, rt.wire, wireColumn(input), input);
    if (known) {
      noteRefusal(rt.service, known);
      // The database's own words stay in the log, with the request id; the answer has ours.
      const cause = isPgError(err) ? err : isPgError(known.cause) ? known.cause : undefined;
      if (cause) onRefusedInput(cause, ctx);
      if (known.status < 500 && !known.verbatim && looksLikeDriverText(known.message)) {
        onRefusedInput(known, ctx);
        return sendError(res, withoutDriverText(known), rt.wire, requestId);
      }
      return sendError(res, known, rt.wire, requestId);
    }
    onServerError(err, ctx);
    sendError(res, new ApiError(500, 'server_error', 'A server error occurred.'), rt.wire, requestId);
  };
  app.use(handleError);
  return app;
}
