/**
 * Error answers in the service's wire style (runtime/http/styles/): the body the style renders, the
 * error's own headers and any the style adds.
 */
import type { Response } from 'express';
import type { ServiceStyle } from '../descriptor.ts';
import type { ApiError } from './api-error.ts';
import { WIRE_STYLES, type WireStyle } from './wire-style.ts';

/** The error body of a style named in code that answers outside the runtime's error handler. */
export function errorBody(err: ApiError, style: ServiceStyle, requestId: string): unknown {
  return WIRE_STYLES[style].error(err, requestId);
}

export function sendError(res: Response, err: ApiError, wire: WireStyle, requestId: string): void {
  if (err.headers) res.set(err.headers);
  res.set(wire.errorHeaders(err));
  res.status(err.status).json(wire.error(err, requestId));
}
