/**
 * The platform's wire (the platform API document): every answer in `{success, data, request_id}` or
 * `{success: false, error: {code, message}, request_id}` with upper-case codes, `limit` with
 * `offset` or `cursor` pagination in `{results, total, next_cursor}`, uniqueness conflicts as 409.
 */
import { cursorPaging, nextCursor, positiveInt } from '../paging.ts';
import type { WireStyle } from '../wire-style.ts';
import { conflictOnUnique } from './shared.ts';

const envelope = (data: unknown, requestId: string) => ({ success: true, data: data ?? null, request_id: requestId });

/** Our generic codes → the platform's: a malformed body is a validation failure like any other bad input. */
const PLATFORM_CODES: Readonly<Record<string, string>> = {
  parse_error: 'validation_error',
};

export const platformStyle: WireStyle = {
  name: 'platform',
  body: envelope,
  ok(res, status, data, requestId) {
    // The envelope always has a body, so "no content" becomes 200 with `data: null`.
    res.status(status === 204 ? 200 : status).json(envelope(data, requestId));
  },
  error: (err, requestId) => ({
    success: false,
    error: {
      code: (PLATFORM_CODES[err.code] ?? err.code).toUpperCase(),
      message: err.message,
      ...(err.fields ? { fields: err.fields } : {}),
      ...err.details,
    },
    request_id: requestId,
  }),
  errorHeaders: () => ({}),
  readPaging: (q) => cursorPaging(q, (query) => positiveInt(query, 'offset', 0, 0)),
  pastLastPage: () => undefined,
  page: (p) => ({ results: p.results, total: p.count, next_cursor: nextCursor(p.paging, p.results.length, p.count) }),
  uniqueViolation: conflictOnUnique,
  health: (h, requestId) => {
    const healthy = h.database === 'ok';
    return {
      status: healthy ? 200 : 503,
      body: {
        success: healthy,
        data: {
          status: healthy ? 'ok' : 'degraded',
          service: h.service,
          version: h.version,
          timestamp: new Date().toISOString(),
          region: process.env.LOOPGEN_REGION ?? 'local',
          uptime: `${h.uptimeSeconds}s`,
          database: h.database,
        },
        request_id: requestId,
      },
    };
  },
};
