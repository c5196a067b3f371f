/**
 * The one error type the runtime, providers and handlers throw for expected failures.
 * It carries enough to render every service style (see render-error.ts):
 * a status, a machine code (snake_case; platform upper-cases it), a message, and optionally
 * field errors (`{ field: [messages] }`, DRF's validation shape), a rules-engine rule id, or extra details.
 */
export type FieldErrors = Record<string, string[]>;

export interface ApiErrorExtra {
  readonly fields?: FieldErrors;
  /** Rules-engine rule id, e.g. `R-03` (docs/api/roomloop-api.txt). */
  readonly rule?: string;
  /** Extra members merged into the error body (platform's `dependencies`, `confirm_token`). */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** What was caught (a database or parser error): logged, never rendered. */
  readonly cause?: unknown;
  /**
   * The message quotes the database about the caller's own SQL (POST /v1/sql), so it is answered as it
   * is: the filter that hides driver wording in other 4xx messages (create-app.ts) leaves it alone.
   */
  readonly verbatim?: boolean;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields?: FieldErrors;
  readonly rule?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly verbatim?: boolean;

  constructor(status: number, code: string, message: string, extra: ApiErrorExtra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.fields = extra.fields;
    this.rule = extra.rule;
    this.details = extra.details;
    this.headers = extra.headers;
    this.verbatim = extra.verbatim;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** 400 with field errors; the message names the first field so non-DRF styles stay informative. */
export function validation(fields: FieldErrors, message?: string): ApiError {
  const first = Object.entries(fields)[0];
  // An object-level error has no field worth naming in the message.
  const named = first && first[0] !== 'non_field_errors' ? `${first[0]}: ` : '';
  const text = message ?? (first ? `${named}${first[1][0] ?? 'invalid'}` : 'Invalid input.');
  return new ApiError(400, 'validation_error', text, { fields });
}

export function badRequest(message: string, code = 'bad_request'): ApiError {
  return new ApiError(400, code, message);
}

export function unauthorized(message = 'Authentication credentials were not provided.', code = 'unauthorized'): ApiError {
  return new ApiError(401, code, message);
}

export function forbidden(message = 'You do not have permission to perform this action.', code = 'forbidden'): ApiError {
  return new ApiError(403, code, message);
}

export function notFound(message = 'Not found.'): ApiError {
  return new ApiError(404, 'not_found', message);
}

export function conflict(message: string, code = 'conflict', extra: ApiErrorExtra = {}): ApiError {
  return new ApiError(409, code, message, extra);
}

/** 422 from the rules engine, naming the failing rule. */
export function ruleViolation(rule: string, message: string): ApiError {
  return new ApiError(422, 'rule_violation', message, { rule });
}

export function rateLimited(retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'rate_limited', 'Request was throttled.', {
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
}

export function notImplemented(message: string, code = 'not_implemented'): ApiError {
  return new ApiError(501, code, message);
}
