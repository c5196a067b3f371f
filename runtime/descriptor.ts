/**
 * What generated code hands the runtime: plain data describing a resource or action.
 * The runtime knows no particular resource; everything it does is driven by these.
 * Generated routers build them once at import time (nothing is interpreted per request).
 */
import type { ZodType } from 'zod';

export type ServiceStyle = 'drf' | 'roomloop' | 'platform';

/**
 * A value the generic create fills (catalogue `generate:`, spec/README.md "Generated values"):
 * `code` = prefix + random Crockford base32, unique across the table; `sequence` = prefix + the next
 * number (per company or across the table, `{year}` in the prefix = current UTC year); `uuid`.
 */
export type GeneratedValue =
  | { readonly kind: 'code'; readonly prefix: string; readonly length: number }
  | { readonly kind: 'sequence'; readonly prefix: string; readonly pad: number; readonly per: 'company' | 'global' }
  | { readonly kind: 'uuid' };

export interface ColumnDescriptor {
  /** Wire name. */
  readonly name: string;
  readonly column: string;
  readonly type: string;
  readonly system: boolean;
  readonly readOnly: boolean;
  readonly writeOnly: boolean;
  /** Qualified id of the referenced resource, for refs. */
  readonly ref?: string;
  readonly refTable?: string;
  /** Default applied on create when the field is absent. */
  readonly default?: unknown;
  /** Server-generated on create (read-only columns only). */
  readonly generate?: GeneratedValue;
}

export interface ResourceDescriptor {
  /** `loop.booking.services`. */
  readonly id: string;
  readonly service: string;
  readonly module: string;
  readonly name: string;
  readonly model: string;
  readonly table: string;
  readonly scope: 'company' | 'workspace' | 'global';
  readonly idStyle: 'serial' | 'prefixed';
  readonly idPrefix?: string;
  readonly product: string | null;
  readonly softDelete: boolean;
  readonly columns: readonly ColumnDescriptor[];
  /** Columns selected for responses (write-only ones left out), prepared once. */
  readonly selectColumns: readonly string[];
  /** Filters accepted on list: query key (`starts_at__gte`) → { column, op, field type }. */
  readonly filters: Readonly<Record<string, { readonly column: string; readonly op: string; readonly type: string }>>;
  readonly searchColumns: readonly string[];
  /** Wire field name → column, for `?ordering=`. */
  readonly orderable: Readonly<Record<string, string>>;
  readonly defaultOrdering: readonly string[];
  readonly permissions: { readonly view: string; readonly add: string; readonly change: string; readonly delete: string };
  /** Body of the list answer when not the style's page: the rows alone, or `{<named>: rows, total}`. */
  readonly listShape?: 'array' | { readonly named: string };
  /** What the generic delete answers (catalogue `delete_answer:`): `{<idKey>: id, deleted: true}`; absent: no body. */
  readonly deleteAnswer?: { readonly idKey: string | null };
  readonly validators: {
    readonly create: ZodType;
    readonly update: ZodType;
    readonly partialUpdate: ZodType;
    readonly listQuery: ZodType;
  };
}

export interface ActionDescriptor {
  /** `loop.booking.appointments.create-invoice` or `loop.booking.calendar`. */
  readonly id: string;
  readonly service: string;
  readonly module: string;
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly on: 'item' | 'collection' | 'module';
  /** Resource the action belongs to (item/collection actions). */
  readonly resource?: ResourceDescriptor;
  readonly handler: string;
  readonly permission: string | null;
  readonly public: boolean;
  readonly product: string | null;
  readonly status: number;
  readonly validators: { readonly query?: ZodType; readonly body?: ZodType };
}
