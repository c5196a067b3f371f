/**
 * Catalogue field type → PostgreSQL column type. Keyed by FieldType so a new field type
 * without a column mapping does not compile.
 */
import type { FieldNode, FieldType, ResourceNode, ServiceNode } from '../../ir/index.ts';

export interface ColumnTypeContext {
  readonly service: ServiceNode;
  readonly resource: ResourceNode;
}

type ColumnTypeOf = (field: FieldNode, ctx: ColumnTypeContext) => string;

/** Bounded strings become varchar(n) so the database enforces `max` too; unbounded ones are text. */
const boundedText: ColumnTypeOf = (f) => (f.max !== undefined ? `varchar(${f.max})` : 'text');

export const COLUMN_TYPES: Record<FieldType, ColumnTypeOf> = {
  string: boundedText,
  text: () => 'text',
  integer: () => 'integer',
  decimal: (f) => (f.precision !== undefined ? `numeric(${f.precision},${f.scale ?? 0})` : 'numeric'),
  boolean: () => 'boolean',
  date: () => 'date',
  datetime: () => 'timestamptz',
  time: () => 'time',
  email: boundedText,
  url: boundedText,
  uuid: () => 'uuid',
  json: () => 'jsonb',
  // Enum values are enforced by a CHECK constraint: adding a value is then a cheap constraint swap
  // instead of ALTER TYPE, which cannot run inside a transaction on older PostgreSQL.
  enum: () => 'text',
  ref: (f, ctx) => (f.ref ? idColumnType(ctx.service, f.ref.resource) : 'bigint'),
  // Files are stored elsewhere; the column holds the storage key.
  file: () => 'text',
};

/** Type of a column pointing at `resourceId`'s primary key: bigint for serial ids, text for prefixed ones. */
export function idColumnType(service: ServiceNode, resourceId: string | null): string {
  const target = resourceId ? service.resources.find((r) => r.id === resourceId) : undefined;
  const style = target?.idStyle ?? service.idStyle;
  return style === 'serial' ? 'bigint' : 'text';
}

/** Type of a resource's own primary key. */
export function primaryKeyType(resource: ResourceNode): string {
  return resource.idStyle === 'serial' ? 'bigserial' : 'text';
}
