/**
 * `POST /v1/files/:file_id/upload-put` — "Upload raw file content" (the platform API document): the
 * slot's bytes come as the request body itself (`Content-Type: application/octet-stream` or the file's
 * own type), or as a multipart `file` part. The app parses JSON and (inside the action) multipart only,
 * so this path gets a raw-body parser of its own, mounted through the wiring's `extra` hook ahead of
 * the generated route. It runs after the same authentication, tenant and permission checks as the
 * route, so nobody without the files permission makes the server buffer an upload.
 *
 * The bytes reach the handler keyed by the request's context (`rawUploadOf(a)`); the body the action
 * validates is `{}`, as for a multipart upload with no text fields.
 */
import type { IncomingMessage } from 'node:http';
import express, { type Application, type RequestHandler } from 'express';
import type { ActionContext, RequestContext, Runtime } from '../../runtime-api.ts';
import { ctxOf } from '../../http/respond.ts';
import { filesUploadPutAction } from '../../../generated/platform/server/files.ts';

/** The same cap as a multipart upload (runtime/http/run-action.ts). */
const MAX_RAW_BYTES = 20 * 1024 * 1024;

export interface RawUpload {
  readonly buffer: Buffer;
  /** The body's own type; null for a generic one (octet-stream, or curl's default form type), which says nothing about the file. */
  readonly contentType: string | null;
}

const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'application/x-www-form-urlencoded']);

const uploads = new WeakMap<RequestContext, RawUpload>();

const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]!.trim().toLowerCase();

/** JSON and multipart keep their own parsers; any other body (typed or not) is the file itself. */
function isRaw(req: IncomingMessage): boolean {
  const type = mediaType(req.headers['content-type']);
  return type !== 'multipart/form-data' && type !== 'application/json';
}

const readRaw = express.raw({ type: isRaw, limit: MAX_RAW_BYTES });

const keepRaw: RequestHandler = (req, res, next) => {
  // An empty body is no upload (a bare POST sends `Content-Length: 0`); the action then asks for content.
  if (Buffer.isBuffer(req.body) && req.body.length > 0) {
    const type = mediaType(req.get('content-type'));
    uploads.set(ctxOf(res), { buffer: req.body, contentType: GENERIC_TYPES.has(type) ? null : type });
  }
  if (Buffer.isBuffer(req.body)) req.body = {};
  next();
};

/** Mounts the raw-body reader of upload-put; `base` is the service's base path (`/v1`). */
export function mountRawUpload(app: Application, rt: Runtime, base: string): void {
  const d = filesUploadPutAction;
  const checks = [rt.authenticate, rt.tenant({ scope: 'global', product: null }, 'required'), rt.permit(d.permission)];
  app.post(`${base}/files/:file_id/upload-put`, ...checks, readRaw, keepRaw);
}

/** The raw body of this upload-put request, if it came raw. */
export function rawUploadOf(a: ActionContext): RawUpload | undefined {
  return uploads.get(a.ctx);
}
