/**
 * Everything that differs between the three wire styles (`style:` in spec/<service>/service.yaml),
 * behind one interface: success and error bodies, the list envelope, how a list reads its paging
 * parameters, how a uniqueness conflict is reported and the health answer. Each style is one object
 * in runtime/http/styles/; createRuntime picks the service's once, and generic code calls it instead
 * of comparing style names. The conventions are the ones the OpenAPI emitter documents
 * (generator/shared/style-conventions.ts).
 */
import type { Response } from 'express';
import type { ServiceStyle } from '../descriptor.ts';
import type { ApiError } from './api-error.ts';
import type { Paging, Query } from './paging.ts';
import { drfStyle } from './styles/drf.ts';
import { platformStyle } from './styles/platform.ts';
import { roomloopStyle } from './styles/roomloop.ts';

export type { Paging } from './paging.ts';

/** One page of a list, as the envelope needs it. */
export interface PageOf {
  /** The request's absolute URL (DRF's next/previous links are built on it). */
  readonly url: URL;
  readonly paging: Paging;
  /** Matching rows in all pages. */
  readonly count: number;
  readonly results: readonly unknown[];
}

export interface HealthReport {
  readonly service: string;
  readonly version: string;
  /** `ok` or `unavailable`. */
  readonly database: string;
  readonly uptimeSeconds: number;
}

export interface WireStyle {
  readonly name: ServiceStyle;
  /** The JSON a success answer carries (platform wraps it in its envelope). */
  body(data: unknown, requestId: string): unknown;
  /** Sends a success answer (a 204 stays empty where the style has no-content answers). */
  ok(res: Response, status: number, data: unknown, requestId: string): void;
  /** The JSON an error answer carries. */
  error(err: ApiError, requestId: string): unknown;
  /** Headers an error answer adds besides the error's own. */
  errorHeaders(err: ApiError): Readonly<Record<string, string>>;
  /** Reads a list's paging parameters; a bad value is a 400 naming it. */
  readPaging(query: Query): Paging;
  /** A page past the last was asked for: DRF refuses it (404), the others answer an empty page. */
  pastLastPage(): void;
  /** The list envelope around one page. */
  page(p: PageOf): unknown;
  /** A unique constraint failed on `field`: DRF reports a 400 field error, the others 409. */
  uniqueViolation(field: string, message: string): ApiError;
  /** The `/health` answer. */
  health(h: HealthReport, requestId: string): { readonly status: number; readonly body: unknown };
}

/** Every style has an implementation: a new `ServiceStyle` without one does not compile. */
export const WIRE_STYLES: Readonly<Record<ServiceStyle, WireStyle>> = {
  drf: drfStyle,
  roomloop: roomloopStyle,
  platform: platformStyle,
};
