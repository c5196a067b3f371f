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
