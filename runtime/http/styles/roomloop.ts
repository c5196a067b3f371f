/**
 * RoomLoop's wire (the reservations API document): bare bodies, errors as
 * `{"error": {"code", "message", "rule"?}}`, `limit`/`cursor` pagination in `{data, next_cursor}`,
 * uniqueness conflicts as 409.
 */
import { cursorPaging, nextCursor } from '../paging.ts';
import type { WireStyle } from '../wire-style.ts';
import { bareBody, conflictOnUnique, sendBare, statusHealth } from './shared.ts';

/** Our generic codes → the RoomLoop API document's error table, which has no parse_error: a malformed body is a validation_error. */
const ROOMLOOP_CODES: Readonly<Record<string, string>> = {
  parse_error: 'validation_error',
};

export const roomloopStyle: WireStyle = {
  name: 'roomloop',
  body: bareBody,
  ok: sendBare,
  error: (err, requestId) => ({
    error: {
      code: ROOMLOOP_CODES[err.code] ?? err.code,
      message: err.message,
      ...(err.rule ? { rule: err.rule } : {}),
      ...(err.fields ? { fields: err.fields } : {}),
      ...err.details,
      // A server error carries the request id to quote when reporting it.
      ...(err.status >= 500 ? { request_id: requestId } : {}),
    },
  }),
  errorHeaders: () => ({}),
  readPaging: (q) => cursorPaging(q, () => 0),
  pastLastPage: () => undefined,
  page: (p) => ({ data: p.results, next_cursor: nextCursor(p.paging, p.results.length, p.count) }),
  uniqueViolation: conflictOnUnique,
  health: statusHealth,
};
