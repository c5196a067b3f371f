/**
 * Turns whatever was thrown into an ApiError, so bad input never becomes a 500:
 * zod issues → field errors, body-parser failures → 400/413, PostgreSQL SQLSTATEs → 400/409.
 * Anything else is a genuine server error and stays a 500 (logged by the error handler).
 */
import { ZodError } from 'zod';
import { ApiError, type FieldErrors, isApiError, validation } from './api-error.ts';
import type { WireStyle } from './wire-style.ts';

/** Maps an SQL column back to its wire name (`service_id` → `service`); identity when unknown. */
export type ColumnNamer = (column: string) => string;

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

interface PgLikeError {
  code?: string;
  detail?: string;
  column?: string;
  constraint?: string;
  message?: string;
}

function isPgError(e: unknown): e is PgLikeError {
  return typeof e === 'object' && e !== null && typeof (e as PgLikeError).code === 'string'
    && /^[0-9A-Z]{5}$/.test((e as PgLikeError).code!);
}

/** `Key (company_id, name)=(1, x) already exists.` → [`company_id`, `name`]. */
function keyColumns(detail: string | undefined): string[] {
  const m = /Key \(([^)]*)\)=/.exec(detail ?? '');
  return m ? m[1]!.split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : [];
}

function keyValue(detail: string | undefined): string {
  const m = /\)=\((.*)\)/.exec(detail ?? '');
  return m ? m[1]! : '';
}

function pgToApiError(e: PgLikeError, wire: WireStyle, name: ColumnNamer): ApiError | null {
  const cols = keyColumns(e.detail).filter((c) => c !== 'company_id');
  const field = cols.length ? name(cols[cols.length - 1]!) : e.column ? name(e.column) : 'non_field_errors';
  switch (e.code) {
    case '23505': {
      const msg = cols.length > 1
        ? `The fields ${cols.map(name).join(', ')} must make a unique set.`
        : `A record with this ${field} already exists.`;
      const key = cols.length > 1 ? 'non_field_errors' : field;
      return wire.uniqueViolation(key, msg);
    }
    case '23503':
      if (/still referenced/.test(e.detail ?? '')) {
        return new ApiError(409, 'conflict', 'Cannot delete: dependent records exist.');
      }
      return validation({ [field]: [`Invalid pk "${keyValue(e.detail)}" - object does not exist.`] });
    case '23502':
      return validation({ [e.column ? name(e.column) : field]: ['This field may not be null.'] });
    case '22P02':
    case '22003':
    case '22007':
    case '22008':
    case '22001':
    case '23514':
      return new ApiError(400, 'validation_error', 'Invalid value: ' + (e.message ?? 'bad input').split('\n')[0]);
    default:
      return null;
  }
}

export function toApiError(err: unknown, wire: WireStyle, name: ColumnNamer = (c) => c): ApiError | null {
  if (isApiError(err)) return err;
  if (err instanceof ZodError) return validation(zodToFieldErrors(err));
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  if (e && e.type === 'entity.parse.failed') return new ApiError(400, 'parse_error', 'Malformed JSON in request body.');
  if (e && e.type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'Request body is too large.');
  if (e && e.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new ApiError(e.status, 'bad_request', e.message ?? 'Bad request.');
  }
  if (isPgError(err)) return pgToApiError(err, wire, name);
  // multer (multipart uploads): a file over its hard cap, too many parts, an unexpected field.
  const m = err as { name?: string; code?: string; field?: string };
  if (m && m.name === 'MulterError') {
    if (m.code === 'LIMIT_FILE_SIZE') return new ApiError(413, 'file_too_large', `The uploaded file${m.field ? ` "${m.field}"` : ''} is too large.`);
    return new ApiError(400, 'bad_upload', `Bad multipart upload (${m.code ?? 'unknown'}).`);
  }
  return null;
}
