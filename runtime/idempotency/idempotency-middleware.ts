/**
 * `Runtime.idempotent`: Stripe-style `Idempotency-Key` for POSTs. The first response (status and body)
 * is stored per key and tenant for 24 h and replayed for a retry (header `Idempotent-Replayed: true`);
 * the same key with different parameters → 422; a retry while the first is still running → 409.
 * 5xx responses are not stored, so a retry after a server error runs again (as Stripe advises).
 * Responses marked `Cache-Control: no-store` (a one-time secret such as a new API key) are never stored:
 * a successful one leaves only a marker, and a retry with the same key answers 409
 * `idempotency_not_replayable` — neither replaying the secret nor running the operation (minting a second
 * key) again. A failed no-store answer is released like any other, so its retry runs again.
 * Place after authentication/tenancy (it keys by user and company) and after body parsing.
 */
import type { RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import { ApiError } from '../http/api-error.ts';
import type { RequestContext } from '../runtime-api.ts';
import { claim, complete, release } from './idempotency-store.ts';
import { requestFingerprint } from './request-fingerprint.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

export function createIdempotencyMiddleware(opts: { db?: Knex; now?: () => number } = {}): RequestHandler {
  const now = opts.now ?? Date.now;
  return async (req, res, next) => {
    const key = req.get(IDEMPOTENCY_HEADER)?.trim();
    if (req.method !== 'POST' || !key) return next();
    try {
      if (key.length > 255) throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be at most 255 characters.');
      const ctx = res.locals.ctx as RequestContext | undefined;
      const db = opts.db ?? ctx?.db;
      if (!db) throw new Error('idempotency middleware needs a database (res.locals.ctx.db)');
      const path = req.originalUrl.split('?')[0]!;
      const scope = {
        key,
        companyId: ctx?.tenant?.companyId ?? null,
        userId: ctx?.principal ? Number(ctx.principal.userId) : null,
      };
      const r = await claim(db, scope, { method: req.method, path, hash: requestFingerprint(req.method, path, req.body) }, now());
      switch (r.kind) {
        case 'mismatch':
          throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was already used with different request parameters.');
        case 'in_flight':
          throw new ApiError(409, 'idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry later.');
        case 'not_replayable':
          throw new ApiError(
            409,
            'idempotency_not_replayable',
            'A request with this Idempotency-Key already succeeded, but its answer held a one-time secret that is never stored, so it cannot be replayed. ' +
              'The operation took effect: look the result up, or send a new Idempotency-Key to perform it again.',
          );
        case 'replay': {
          res.status(r.response.status).set('Idempotent-Replayed', 'true');
          if (r.response.contentType) res.set('Content-Type', r.response.contentType);
          res.end(r.response.body ?? undefined);
          return;
        }
        case 'claimed':
          captureResponse(res, db, r.id);
          return next();
      }
    } catch (e) {
      next(e);
    }
  };
}

/** `Cache-Control: no-store` on the response being sent: its body must not be kept. */
function isNoStore(res: Response): boolean {
  const v = res.getHeader('Cache-Control');
  return (Array.isArray(v) ? v.join(',') : String(v ?? ''))
    .toLowerCase()
    .split(',')
    .some((d) => d.trim() === 'no-store');
}

/** Records what the handler sends; stores it when the response finishes, or releases the claim. */
function captureResponse(res: Response, db: Knex, id: number): void {
  let body: string | null = null;
  let streamed = false;
  const send = res.send.bind(res);
  res.send = ((chunk?: unknown) => {
    // A no-store body is not even held in memory for storing.
    if (isNoStore(res)) return send(chunk as never);
    if (typeof chunk === 'string') body = chunk;
    else if (Buffer.isBuffer(chunk)) body = chunk.toString('utf8');
    return send(chunk as never);
  }) as Response['send'];
  const write = res.write.bind(res);
  res.write = ((...args: Parameters<Response['write']>) => {
    // Streams (files, exports) are not replayable from a stored body.
    if (body === null) streamed = true;
    return write(...args);
  }) as Response['write'];
  let settled = false;
  const settle = (finished: boolean) => {
    if (settled) return;
    settled = true;
    const status = res.statusCode;
    const noStore = isNoStore(res);
    // Checked first and on its own, whether the secret was sent whole or streamed.
    const p =
      finished && noStore && status >= 200 && status < 300
        ? complete(db, id, { status, body: null, contentType: null, notReplayable: true })
        : finished && !noStore && status < 500 && !streamed
          ? complete(db, id, { status, body, contentType: String(res.getHeader('Content-Type') ?? '') || null })
          : release(db, id);
    p.catch(() => undefined);
  };
  res.on('finish', () => settle(true));
  res.on('close', () => settle(res.writableFinished));
}
