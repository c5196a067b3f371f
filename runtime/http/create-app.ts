/**
 * The Express application around a service's generated routes:
 * request id → JSON body → per-request context → routes → 404 → error handler.
 * Error bodies follow the runtime's wire style (runtime/http/styles/).
 */
import { randomUUID } from 'node:crypto';
import express, { type Application, type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { RequestContext, Runtime } from '../runtime-api.ts';
import { ApiError } from './api-error.ts';
import { sendError } from './render-error.ts';
import { toApiError } from './to-api-error.ts';

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
  /** Called with unexpected (500) errors; default logs to stderr. */
  readonly onServerError?: (err: unknown, ctx: RequestContext | undefined) => void;
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

export function createApp(opts: CreateAppOptions): Application {
  const { runtime: rt } = opts;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', opts.trustProxy ?? false);
  app.use(requestId());
  const base = '/' + opts.basePath.replace(/^\/+|\/+$/g, '');
  app.use(context(rt, base === '/' ? '/' : `${base}/`));
  app.use(express.json({ limit: opts.jsonLimit ?? '1mb' }));
  opts.extra?.(app);
  app.use(base === '/' ? '/' : base, opts.routes);

  // A distinct code, so clients (and the inventory test) can tell "no such endpoint" from "no such record".
  app.use((req) => {
    throw new ApiError(404, 'route_not_found', `No endpoint ${req.method} ${req.path}.`);
  });

  const onServerError = opts.onServerError ?? ((err: unknown) => console.error('[loopgen] unhandled error', err));
  const handleError: ErrorRequestHandler = (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const requestId = (res.locals.requestId as string | undefined) ?? '';
    const known = toApiError(err, rt.wire);
    if (known) return sendError(res, known, rt.wire, requestId);
    onServerError(err, res.locals.ctx as RequestContext | undefined);
    sendError(res, new ApiError(500, 'server_error', 'A server error occurred.'), rt.wire, requestId);
  };
  app.use(handleError);
  return app;
}
