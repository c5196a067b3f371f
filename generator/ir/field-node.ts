import type { SourceLocation } from './source-location.ts';

/** Every field type the catalogue knows. Emitters key handlers by this union (Record<FieldType, …>). */
export const FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'decimal',
  'boolean',
  'date',
  'datetime',
  'time',
  'email',
  'url',
  'uuid',
  'json',
  'enum',
  'ref',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Filter operators a list endpoint accepts on a field: `?status=x` is `exact`, `?starts_at__gte=` is `gte`. */
export const FILTER_OPS = ['exact', 'in', 'gte', 'lte', 'gt', 'lt', 'icontains', 'isnull'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface RefTarget {
  /** Qualified resource id `<service>.<module>.<resource>`, e.g. `loop.booking.services`. */
  readonly resource: string;
  readonly table: string;
  /** The target's primary-key column (always `id`). */
  readonly column: string;
  /** SQL ON DELETE behaviour. Soft delete is the norm, so `restrict` is the default. */
  readonly onDelete: 'restrict' | 'cascade' | 'set_null';
}

/**
 * A value the server generates on create (`generate:` in the catalogue; spec/README.md "Generated values").
 * `code`: prefix + `length` random characters of Crockford base32 (no I, L, O, U), unique across the table.
 * `sequence`: prefix + the next number, zero-padded to `pad` digits, counted per company or across the
 * table; `{year}` in the prefix is the current UTC year (numbering restarts each year). `uuid`: a random UUID v4.
 */
export type GenerateSpec =
  | { readonly kind: 'code'; readonly prefix: string; readonly length: number }
  | { readonly kind: 'sequence'; readonly prefix: string; readonly pad: number; readonly per: 'company' | 'global' }
  | { readonly kind: 'uuid' };

export interface FieldNode {
  readonly kind: 'field';
  /** Name on the wire (JSON property and query parameter). */
  readonly name: string;
  /** SQL column; a ref `service` is stored in `service_id`. */
  readonly column: string;
  readonly type: FieldType;
  /** Implicit columns every table of a scope gets (id, company_id, created_at, …). Never accepted as input. */
  readonly system: boolean;
  readonly required: boolean;
  readonly nullable: boolean;
  /** JSON-compatible default applied on create (and as the SQL default). */
  readonly default?: string | number | boolean | null | readonly unknown[] | Readonly<Record<string, unknown>>;
  /** Strings: length bounds; integers/decimals: value bounds. */
  readonly min?: number;
  readonly max?: number;
  readonly unique: boolean;
  readonly filter: readonly FilterOp[];
  readonly search: boolean;
  readonly orderable: boolean;
  /** Returned but never accepted (server-set). */
  readonly readOnly: boolean;
  /** Accepted but never returned (e.g. a password). */
  readonly writeOnly: boolean;
  readonly index: boolean;
  readonly enumValues?: readonly string[];
  readonly ref?: RefTarget;
  readonly precision?: number;
  readonly scale?: number;
  /** Previous column name, when the catalogue declares a rename (`renamed_from:`). */
  readonly renamedFrom?: string;
  /** Server-generated on create (read-only fields only). */
  readonly generate?: GenerateSpec;
  readonly description?: string;
  readonly example?: unknown;
  readonly loc?: SourceLocation;
}
