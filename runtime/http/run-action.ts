/**
 * Runs a catalogue action: validate path/query/body, find the registered handler, run it
 * (inside a transaction unless it is a GET), and send what it returns (JSON, buffer or stream).
 * Item actions first load the record in the caller's tenant, so handlers never see another tenant's id.
 */
import type { Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { pipeline } from 'node:stream';
import type { Knex } from 'knex';
import type { ActionDescriptor } from '../descriptor.ts';
import type { ActionContext, ActionResult, HandlerRegistry, RequestContext } from '../runtime-api.ts';
import { type CrudDeps, writeAuditEntry } from '../crud/crud-deps.ts';
import { loadRow, rethrow } from '../crud/rows.ts';
import { ApiError, notImplemented, validation } from './api-error.ts';
import { refuseUnstorable } from './input-guard.ts';
import { ctxOf, sendJson } from './respond.ts';
import { zodToFieldErrors } from './to-api-error.ts';

/** Files stay in memory: uploads here are CSVs and documents, bounded by this limit. */
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 20 * 1024 * 1024 } }).any();

/**
 * Parses a multipart body. multer's own limit errors keep their mapping (runtime/http/to-api-error.ts);
 * anything else the parser throws (`Malformed part header`, `Unexpected end of form`, no boundary) is
 * a malformed body, a 400. Form fields and file names are then checked for what PostgreSQL cannot store.
 */
async function readMultipart(req: Request, res: Response): Promise<void> {
  await new Promise<void>((resolve, reject) => upload(req, res, (err: unknown) => (err ? reject(err) : resolve()))).catch(
    (err: unknown) => {
      if ((err as { name?: string } | null)?.name === 'MulterError') throw err;
      throw new ApiError(400, 'bad_upload', 'Malformed multipart/form-data body.', { cause: err });
    },
  );
  refuseUnstorable(req.body);
  if (Array.isArray(req.files)) for (const f of req.files) refuseUnstorable(f.originalname, f.fieldname);
}

function parsePart(schema: ActionDescriptor['validators']['query'], value: unknown, fallback: unknown): unknown {
  if (!schema) return fallback;
  const r = schema.safeParse(value);
  if (!r.success) throw validation(zodToFieldErrors(r.error));
  return r.data;
}

function filenameHeader(name: string): string {
  return `attachment; filename="${name.replace(/["\\\r\n]/g, '_')}"`;
}

/** Status, type and headers of a stream/file answer; true when the client's cached copy is still current (304 sent). */
function startFile(
  res: Response,
  result: { contentType: string; filename?: string; headers?: Readonly<Record<string, string>> },
  code: number,
): boolean {
  res.status(code).type(result.contentType);
  if (result.filename) res.set('Content-Disposition', filenameHeader(result.filename));
  if (result.headers) res.set(result.headers);
  // Express's `fresh` compares If-None-Match with the ETag just set (GET/HEAD, 2xx only).
  if (result.headers?.ETag && res.req.fresh) {
    res.status(304).end();
    return true;
  }
  return false;
}

function send(res: Response, result: ActionResult, status: number): void {
  const code = result.status ?? status;
  if ('stream' in result) {
    if (startFile(res, result, code)) {
      (result.stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      return;
    }
    // pipeline, not pipe: a source that fails halfway destroys the response (the client sees a cut
    // download instead of hanging), and a client that goes away stops the source (no more DB reads).
    pipeline(result.stream, res, (err) => {
      if (err && !res.destroyed) res.destroy(err);
    });
    return;
  }
  if ('buffer' in result) {
    if (startFile(res, result, code)) return;
    res.end(result.buffer);
    return;
  }
  if (result.headers) res.set(result.headers);
  if (result.secret) return sendSecret(res, code, result.body);
  sendJson(res, code, result.body);
}

/**
 * A one-time secret goes out with `Cache-Control: no-store`. The idempotency middleware never stores
 * such an answer: a retry with the same Idempotency-Key gets 409 `idempotency_not_replayable` instead
 * of the secret again (runtime/idempotency/idempotency-middleware.ts).
 */
function sendSecret(res: Response, status: number, body: unknown): void {
  const ctx = ctxOf(res);
  const payload = ctx.wire.body(body, ctx.requestId);
  res.status(status).set('Cache-Control', 'no-store').type('application/json');
  res.write(JSON.stringify(payload));
  res.end();
}

export interface RunOptions {
  /** Read multipart/form-data bodies (fields into `body`, files into `a.files`). Default true. */
  readonly multipart?: boolean;
  /** Turns multipart form fields (strings) into the values the body validator expects. */
  readonly coerceForm?: (fields: Record<string, unknown>, files: readonly { field: string; filename: string }[]) => Record<string, unknown>;
  /**
   * Runs inside the transaction after the handler returned (CRUD handlers write their audit row here);
   * `before` is the item as it was loaded before the handler ran (item operations), else null.
   */
  readonly after?: (args: ActionContext, result: ActionResult, before: Record<string, unknown> | null) => Promise<void>;
}

export function runAction(d: ActionDescriptor, handlers: HandlerRegistry, deps: CrudDeps, opts: RunOptions = {}): RequestHandler {
  return async (req, res) => {
    const ctx: RequestContext = ctxOf(res);
    const handler = handlers[d.handler];
    if (!handler) throw notImplemented(`Handler "${d.handler}" for ${d.id} is not implemented.`, 'handler_not_implemented');
    const multipart = opts.multipart !== false && Boolean(req.is('multipart/form-data'));
    if (multipart) await readMultipart(req, res);
    const files =
      multipart && Array.isArray(req.files)
        ? req.files.map((f) => ({ field: f.fieldname, filename: f.originalname, contentType: f.mimetype, size: f.size, buffer: f.buffer }))
        : undefined;
    const query = parsePart(d.validators.query, req.query, { ...req.query }) as Record<string, unknown>;
    const rawBody = multipart && opts.coerceForm ? opts.coerceForm({ ...(req.body ?? {}) }, files ?? []) : req.body;
    const body = d.method === 'GET' ? undefined : parsePart(d.validators.body, rawBody ?? {}, rawBody);
    const params = { ...(req.params as Record<string, string>) };
    const baseUrl = `${req.protocol}://${req.get('host') ?? 'localhost'}`;

    // Everything the handler does goes through `trx`: the request's one transaction for writes.
    const run = async (trx: Knex): Promise<ActionResult> => {
      const loaded = d.on === 'item' && d.resource && params.id !== undefined ? await loadRow(trx, d.resource, ctx, params.id) : null;
      const args: ActionContext = {
        ctx,
        action: d,
        params,
        query,
        body,
        files,
        trx,
        baseUrl,
        audit: (entry) => writeAuditEntry(deps, { trx, ctx, ...entry }),
      };
      const result = await handler(args);
      if (opts.after) await opts.after(args, result, loaded?.row ?? null);
      // A completed write action is reported to the write observer (the platform's domain events) in its
      // transaction; a one-time secret in the answer never leaves it.
      else if (deps.events && d.method !== 'GET' && (result.status ?? d.status) < 300)
        await deps.events({
          trx,
          ctx,
          action: 'action',
          resource: d.id,
          recordId: null,
          changes: params,
          record: 'body' in result && !result.secret ? result.body : null,
        });
      return result;
    };
    // A non-2xx result (login failure: 401) is answered, not thrown, so the transaction still commits
    // what the handler recorded (its audit row); the status reaches the client unchanged.
    let result: ActionResult;
    try {
      result = d.method === 'GET' ? await run(ctx.db) : await ctx.db.transaction(run);
    } catch (e) {
      // A resource's own operation names its columns by their wire names; other errors pass unchanged.
      if (d.resource) rethrow(d.resource, ctx, e, { body: req.body as unknown, query: req.query as Record<string, unknown> });
      throw e;
    }
    send(res, result, d.status);
  };
}
