/**
 * Turns whatever was thrown into an ApiError, so bad input never becomes a 500:
 * zod issues → field errors, body-parser failures → 400/413/415, PostgreSQL SQLSTATEs → 400/409
 * (runtime/http/database-errors.ts), multer failures → 400/413.
 * Anything else is a genuine server error and stays a 500 (logged by the error handler).
 */
import { ZodError } from 'zod';
import { ApiError, type FieldErrors, isApiError, validation } from './api-error.ts';
import { type ColumnNamer, databaseToApiError, isPgError, type RequestInput } from './database-errors.ts';
import type { WireStyle } from './wire-style.ts';

export type { ColumnNamer, RequestInput } from './database-errors.ts';

export function zodToFieldErrors(err: ZodError, prefix?: string): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of err.issues) {
    const path = issue.path.map(String);
    // DRF puts object-level errors under non_field_errors.
    const key = [prefix, ...path].filter(Boolean).join('.') || 'non_field_errors';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** The parser's own reason, short: DRF answers `JSON parse error - <reason>` too. */
function parseReason(err: { message?: string }): string {
  const reason = (err.message ?? '').split('\n')[0]!.trim();
  return reason.length > 200 ? `${reason.slice(0, 197)}...` : reason || 'Malformed JSON.';
}

/** body-parser's failures by type (its `message` is kept out of answers except a JSON parser's reason). */
const BODY_ERRORS: Readonly<Record<string, (err: { message?: string }) => ApiError>> = {
  'entity.parse.failed': (err) => new ApiError(400, 'parse_error', `JSON parse error - ${parseReason(err)}`),
  'entity.too.large': () => new ApiError(413, 'payload_too_large', 'Request body is too large.'),
  'parameters.too.many': () => new ApiError(413, 'payload_too_large', 'Request body has too many parameters.'),
  'encoding.unsupported': () => new ApiError(415, 'unsupported_media_type', 'Unsupported content encoding in request.'),
  'charset.unsupported': () => new ApiError(415, 'unsupported_media_type', 'Unsupported charset in request.'),
  'request.aborted': () => new ApiError(400, 'bad_request', 'The request body was not received in full.'),
  'request.size.invalid': () => new ApiError(400, 'bad_request', 'The request body does not match its Content-Length.'),
};

/** multer's limit codes that mean "the body is too large" rather than "the body is malformed". */
const UPLOAD_TOO_LARGE = new Set(['LIMIT_FILE_SIZE', 'LIMIT_FIELD_VALUE', 'LIMIT_FIELD_KEY']);

/**
 * The ApiError for what was thrown, or null when it is a genuine server error.
 * `name` turns SQL columns into wire names; `input` (the request's body and query) lets a database
 * error that names no column still name the field whose value it refused.
 */
export function toApiError(err: unknown, wire: WireStyle, name: ColumnNamer = (c) => c, input?: RequestInput): ApiError | null {
  if (isApiError(err)) return err;
  if (err instanceof ZodError) return validation(zodToFieldErrors(err));
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  const body = e && typeof e.type === 'string' ? BODY_ERRORS[e.type] : undefined;
  if (body) return body(e);
  if (isPgError(err)) {
    const mapped = databaseToApiError(err, wire, name, input);
    // Kept for the log (runtime/http/create-app.ts), never rendered.
    if (mapped) mapped.cause = err;
    return mapped;
  }
  // multer (multipart uploads): a file over its hard cap, too many parts, an unexpected field.
  const m = err as { name?: string; code?: string; field?: string };
  if (m && m.name === 'MulterError') {
    if (m.code === 'LIMIT_FILE_SIZE')
      return new ApiError(413, 'file_too_large', `The uploaded file${m.field ? ` "${m.field}"` : ''} is too large.`);
    if (UPLOAD_TOO_LARGE.has(m.code ?? '')) return new ApiError(413, 'payload_too_large', 'A multipart field is too large.');
    return new ApiError(400, 'bad_upload', `Bad multipart upload (${m.code ?? 'unknown'}).`);
  }
  // Any other client error http-errors marks as safe to show: its status, in our words.
  if (e && e.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError(e.status, 'bad_request', 'Bad request.');
  }
  return null;
}
