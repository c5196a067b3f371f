/**
 * Typed errors of the SDK: one class per failure kind so callers can write
 * `if (e instanceof ValidationError) e.fields.email`.
 * `errorFromResponse` reads the error body of every service style:
 * - drf: `{"field": ["msg"], "non_field_errors": [...]}` or `{"detail": "...", "code": "..."}`
 * - roomloop: `{"error": {"code", "message", "rule?"}}` (seed 001)
 * - platform: `{"success": false, "error": {"code", "message"}, "request_id"}` (seed 002)
 */

/** Field name → messages; nested serializer errors are flattened to `parent.child`. */
export type FieldErrors = { readonly [field: string]: readonly string[] };

export class ApiError extends Error {
  override name = 'ApiError';
  /** HTTP status; 0 when no response arrived (timeout, network). */
  readonly status: number;
  /** Machine-readable code: `validation_error`, `not_found`, `slot_conflict`, … */
  readonly code: string;
  /** The parsed response body as sent by the server. */
  readonly body: unknown;
  /** RoomLoop rules-engine rule that refused the request (e.g. `R-03`). */
  readonly rule: string | undefined;
  readonly requestId: string | undefined;
  constructor(status: number, code: string, message: string, body: unknown, rule?: string, requestId?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
    this.rule = rule;
    this.requestId = requestId;
  }
}

/** 400 / 422: the request did not pass validation or a business rule. */
export class ValidationError extends ApiError {
  override name = 'ValidationError';
  fields: FieldErrors = {};
}
/** 401: missing, invalid or expired credentials (after one refresh attempt). */
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
}
/** 403: authenticated, but not allowed (permission, tenant, product subscription). */
export class PermissionDeniedError extends ApiError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
/** 409: uniqueness, slot conflicts, dependent records. */
export class ConflictError extends ApiError {
  override name = 'ConflictError';
}
/** 429: slow down; `retryAfter` in seconds when the server said. */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  retryAfter: number | undefined;
}
/** 5xx. */
export class ServerError extends ApiError {
  override name = 'ServerError';
}
/** No answer within `timeoutMs`. */
export class TimeoutError extends ApiError {
  override name = 'TimeoutError';
}

type ErrorClass = new (...args: ConstructorParameters<typeof ApiError>) => ApiError;

function classFor(status: number): ErrorClass {
  if (status === 400 || status === 422) return ValidationError;
  if (status === 401) return AuthenticationError;
  if (status === 403) return PermissionDeniedError;
  if (status === 404) return NotFoundError;
  if (status === 409) return ConflictError;
  if (status === 429) return RateLimitError;
  if (status >= 500) return ServerError;
  return ApiError;
}

const DEFAULT_CODES: { readonly [status: number]: string } = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'rule_violation',
  429: 'rate_limited',
};

type Json = { readonly [key: string]: unknown };
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** DRF field errors: values that are lists of strings, or nested objects of them. */
function collectFields(v: unknown, prefix: string, out: Record<string, string[]>): void {
  if (Array.isArray(v)) {
    const msgs = v.filter((m): m is string => typeof m === 'string');
    if (msgs.length) out[prefix || 'non_field_errors'] = msgs;
    v.forEach((m, i) => {
      if (isObject(m)) collectFields(m, `${prefix}.${i}`, out);
    });
  } else if (isObject(v)) {
    for (const [k, inner] of Object.entries(v)) collectFields(inner, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof v === 'string' && prefix) out[prefix] = [v];
}

export function errorFromResponse(status: number, body: unknown, retryAfterHeader?: string | null): ApiError {
  let code = DEFAULT_CODES[status] ?? (status >= 500 ? 'server_error' : 'error');
  let message = `HTTP ${status}`;
  let rule: string | undefined;
  let requestId: string | undefined;
  const fields: Record<string, string[]> = {};
  if (isObject(body) && isObject(body.error)) {
    // roomloop and platform: {error:{code,message,rule?,fields?|details?}}
    const e = body.error;
    code = str(e.code) ?? code;
    message = str(e.message) ?? message;
    rule = str(e.rule);
    requestId = str(body.request_id);
    collectFields(e.fields ?? e.details, '', fields);
  } else if (isObject(body)) {
    // drf: {detail, code} or {field: [msgs]}
    if (typeof body.detail === 'string') {
      message = body.detail;
      code = str(body.code) ?? code;
    } else {
      collectFields(body, '', fields);
      const first = Object.entries(fields)[0];
      if (first) message = `${first[0]}: ${first[1][0]}`;
    }
  } else if (typeof body === 'string' && body) message = body.slice(0, 200);
  const err = new (classFor(status))(status, code, message, body, rule, requestId);
  if (err instanceof ValidationError) err.fields = fields;
  if (err instanceof RateLimitError) {
    const s = Number(retryAfterHeader);
    err.retryAfter = retryAfterHeader && Number.isFinite(s) ? s : undefined;
  }
  return err;
}
