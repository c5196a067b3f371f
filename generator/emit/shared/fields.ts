/**
 * Field rules every emitter must apply alike (OpenAPI schemas, Zod validators, SDK types): which fields go
 * in and come out, and the patterns values are checked against.
 */
import type { FieldNode, ResourceNode, ServiceNode } from '../../ir/index.ts';

/** Fields a client may send: everything not server-set (system columns are read-only except `workspace`). */
export function writableFields(r: ResourceNode): FieldNode[] {
  return r.fields.filter((f) => !f.readOnly);
}

/** Fields returned in responses. */
export function readableFields(r: ResourceNode): FieldNode[] {
  return r.fields.filter((f) => !f.writeOnly);
}

/** Resolves a ref's target within the service; refs across services fall back to the service id style. */
export function refTarget(f: FieldNode, service: ServiceNode): ResourceNode | undefined {
  return f.ref ? service.resources.find((r) => r.id === f.ref!.resource) : undefined;
}

/** Pattern of a decimal string: at most precision − scale integer digits and scale decimals. */
export function decimalPattern(f: Pick<FieldNode, 'precision' | 'scale'>): string {
  if (f.precision === undefined) return '^-?\\d+(?:\\.\\d+)?$';
  const scale = f.scale ?? 0;
  const whole = f.precision - scale;
  const intPart = whole > 0 ? `\\d{1,${whole}}` : '0';
  return scale > 0 ? `^-?${intPart}(?:\\.\\d{1,${scale}})?$` : `^-?${intPart}$`;
}

/** Pattern of a prefixed id, e.g. `room_8f3e21…`. */
export function prefixedIdPattern(prefix: string): string {
  return `^${prefix}_[A-Za-z0-9]+$`;
}

/** `HH:MM` or `HH:MM:SS` (24h). JSON Schema's `time` format demands an offset; the catalogue's times are wall-clock. */
export const TIME_PATTERN = '^(?:[01]\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?$';

/** PostgreSQL `integer` (int4): the range a field without its own bounds may take. */
export const INT32_RANGE = { min: -2147483648, max: 2147483647 } as const;

/** Serial ids and refs are `bigint`, but JavaScript numbers are exact only up to 2^53 − 1. */
export const SAFE_ID_MAX = Number.MAX_SAFE_INTEGER;

/** Bounds of an integer field: the catalogue's, else its column's. */
export function integerBounds(f: Pick<FieldNode, 'min' | 'max'>): { min: number; max: number } {
  return { min: f.min ?? INT32_RANGE.min, max: f.max ?? INT32_RANGE.max };
}

/** Strings PostgreSQL can store in text: no NUL (SQLSTATE 22021). */
export const NO_NUL_PATTERN = '^[^\\u0000]*$';
export const NUL_MESSAGE = 'Null characters are not allowed.';

/**
 * Date-times PostgreSQL accepts: a year from 0001 (it has no year 0) and a zone offset within ±15:59
 * (`time zone displacement out of range` beyond). JSON Schema's `date-time` format admits both.
 */
export const PG_DATETIME_PATTERN = '^(?!0000)\\d{4}-.*(?:[Zz]|[+-](?:0\\d|1[0-5]):[0-5]\\d)$';
/** Dates from year 0001. */
export const PG_DATE_PATTERN = '^(?!0000)\\d{4}-';
