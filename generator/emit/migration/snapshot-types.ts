/**
 * The schema snapshot: a plain JSON model of the tables a service's IR implies.
 * `generated/<service>/migrations/snapshot.json` stores the last one; the next migration is the
 * difference between it and the snapshot of the current catalogue (drizzle-kit's approach).
 * Everything here is JSON-serialisable and kept in a deterministic order.
 */

export type OnDelete = 'restrict' | 'cascade' | 'set_null';

export interface ColumnReference {
  readonly table: string;
  readonly column: string;
  readonly onDelete: OnDelete;
}

export interface SnapshotColumn {
  readonly name: string;
  /** PostgreSQL type as written in DDL: `bigserial`, `text`, `varchar(200)`, `numeric(12,2)`, `timestamptz`, … */
  readonly sqlType: string;
  readonly nullable: boolean;
  /** SQL default expression (`'pending'`, `60`, `true`, `now()`), null when none. */
  readonly default: string | null;
  readonly primary: boolean;
  readonly references: ColumnReference | null;
  /**
   * Previous column name declared by the catalogue (`renamed_from:`). Only used by the diff;
   * never written to snapshot.json (see serialiseSnapshot).
   */
  readonly renamedFrom?: string;
}

export interface SnapshotIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /** Partial-index predicate, e.g. `deleted_at IS NULL`; null for a full index. */
  readonly where: string | null;
}

/**
 * A CHECK constraint. `values` (enums) and `min`/`max` (ranges) are kept beside the SQL so the diff
 * can tell a widening change (safe) from a narrowing one (destructive).
 */
export interface SnapshotCheck {
  readonly name: string;
  readonly column: string;
  readonly expression: string;
  readonly values?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  /** `length`: bounds apply to char_length(column); `value`: to the column itself. */
  readonly measure?: 'length' | 'value';
}

/** A raw SQL block of the catalogue (`sql:`): recorded so the next migration runs only new or changed ones. */
export interface SnapshotSql {
  readonly name: string;
  readonly up: readonly string[];
  readonly down: readonly string[];
}

export interface SnapshotTable {
  readonly name: string;
  /** In IR order (system columns first): the order CREATE TABLE lists them. */
  readonly columns: readonly SnapshotColumn[];
  /** Sorted by name. */
  readonly indexes: readonly SnapshotIndex[];
  /** Unique indexes, sorted by name; tenant uniques lead with company_id. */
  readonly uniques: readonly SnapshotIndex[];
  /** Sorted by name. */
  readonly checks: readonly SnapshotCheck[];
  /** Raw SQL blocks, sorted by name; absent (not `[]`) when the table has none, so snapshot.json only grows where used. */
  readonly sql?: readonly SnapshotSql[];
}

export interface Snapshot {
  readonly version: 1;
  readonly service: string;
  /** Sorted by table name. */
  readonly tables: readonly SnapshotTable[];
}
