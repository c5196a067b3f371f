/**
 * Raw SQL a resource needs beyond what its fields imply (triggers, composite foreign keys, backfills):
 * catalogue `sql: { <name>: { up: [...], down: [...] } }`. The migration emitter records each one in
 * the snapshot and runs it in the next migration when it is new or changed, like Django's RunSQL.
 */
export interface RawSqlNode {
  readonly kind: 'raw_sql';
  /** snake_case key, unique within the resource; the snapshot matches old and new by it. */
  readonly name: string;
  /** Statements run in order by the migration's `up()`, one SQL statement each. */
  readonly up: readonly string[];
  /** Statements that undo `up`, run in order by `down()` (and before a changed block is re-run). */
  readonly down: readonly string[];
}
