/**
 * Error bodies per service style (DESIGN.md, seeds 000/001/002):
 * - drf: validation → `{"field": ["message"]}`; everything else → `{"detail": "...", "code": "..."}`
 *   with DRF's own codes (not_authenticated, permission_denied, throttled, …).
 * - roomloop: `{"error": {"code", "message", "rule"?}}` (codes validation_error, unauthorized, forbidden,
 *   not_found, slot_conflict, rule_violation, rate_limited).
 * - platform: `{"success": false, "error": {"code", "message"}, "request_id"}` with upper-case codes.
 */
import type { Response } from 'express';
import type { ServiceStyle } from '../descriptor.ts';
import type { ApiError } from './api-error.ts';

/** Our generic codes → the codes Django REST framework sends. */
const DRF_CODES: Readonly<Record<string, string>> = {
  unauthorized: 'not_authenticated',
  forbidden: 'permission_denied',
  rate_limited: 'throttled',
};

/** Our generic codes → the RoomLoop API document's error table, which has no parse_error: a malformed body is a validation_error. */
const ROOMLOOP_CODES: Readonly<Record<string, string>> = {
  parse_error: 'validation_error',
};

export function errorBody(err: ApiError, style: ServiceStyle, requestId: string): unknown {
  switch (style) {
    case 'drf':
      if (err.fields && err.status === 400) return err.fields;
      return { detail: err.message, code: DRF_CODES[err.code] ?? err.code, ...err.details };
    case 'roomloop':
      return {
        error: {
          code: ROOMLOOP_CODES[err.code] ?? err.code,
          message: err.message,
          ...(err.rule ? { rule: err.rule } : {}),
          ...(err.fields ? { fields: err.fields } : {}),
          ...err.details,
        },
      };
    case 'platform':
      return {
        success: false,
        error: {
          code: err.code.toUpperCase(),
          message: err.message,
          ...(err.fields ? { fields: err.fields } : {}),
          ...err.details,
        },
        request_id: requestId,
      };
  }
}

export function sendError(res: Response, err: ApiError, style: ServiceStyle, requestId: string): void {
  if (err.headers) res.set(err.headers);
  if (err.status === 401 && style === 'drf') res.set('WWW-Authenticate', 'Bearer realm="api"');
  res.status(err.status).json(errorBody(err, style, requestId));
}
