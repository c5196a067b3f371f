/**
 * Migration statements: the diff's output and the converters' input (drizzle-kit's jsonStatements).
 * Each statement carries what its inverse needs, so `down()` is derived, never hand-written.
 */
import type { ColumnReference, SnapshotCheck, SnapshotColumn, SnapshotIndex, SnapshotSql, SnapshotTable } from './snapshot-types.ts';

export type MigrationStatement =
  | { readonly kind: 'create_table'; readonly table: SnapshotTable }
  | { readonly kind: 'drop_table'; readonly table: SnapshotTable }
  | { readonly kind: 'add_column'; readonly table: string; readonly column: SnapshotColumn }
  | { readonly kind: 'drop_column'; readonly table: string; readonly column: SnapshotColumn }
  | { readonly kind: 'rename_column'; readonly table: string; readonly from: string; readonly to: string }
  | { readonly kind: 'alter_column_type'; readonly table: string; readonly column: string; readonly from: string; readonly to: string }
  | { readonly kind: 'set_not_null'; readonly table: string; readonly column: string }
  | { readonly kind: 'drop_not_null'; readonly table: string; readonly column: string }
  | {
      readonly kind: 'set_default';
      readonly table: string;
      readonly column: string;
      readonly default: string;
      readonly previous: string | null;
    }
  | { readonly kind: 'drop_default'; readonly table: string; readonly column: string; readonly previous: string }
  | { readonly kind: 'create_index'; readonly table: string; readonly index: SnapshotIndex }
  | { readonly kind: 'drop_index'; readonly table: string; readonly index: SnapshotIndex }
  | { readonly kind: 'add_foreign_key'; readonly table: string; readonly column: string; readonly references: ColumnReference }
  | { readonly kind: 'drop_foreign_key'; readonly table: string; readonly column: string; readonly references: ColumnReference }
  | { readonly kind: 'add_check'; readonly table: string; readonly check: SnapshotCheck }
  | { readonly kind: 'drop_check'; readonly table: string; readonly check: SnapshotCheck }
  /** A raw SQL block's `up` statements; `revert_sql` runs its `down` statements. */
  | { readonly kind: 'run_sql'; readonly table: string; readonly sql: SnapshotSql }
  | { readonly kind: 'revert_sql'; readonly table: string; readonly sql: SnapshotSql };

export type StatementKind = MigrationStatement['kind'];

/** The statements that undo `s`. Dropping a table/column restores its shape, not its data. */
export function invertStatement(s: MigrationStatement): MigrationStatement[] {
  switch (s.kind) {
    case 'create_table':
      return [{ kind: 'drop_table', table: s.table }];
    case 'drop_table':
      // The table's own FKs are separate statements in the forward list and are inverted there.
      return [
        { kind: 'create_table', table: s.table },
        ...[...s.table.indexes, ...s.table.uniques].map((index) => ({ kind: 'create_index' as const, table: s.table.name, index })),
        ...s.table.checks.map((check) => ({ kind: 'add_check' as const, table: s.table.name, check })),
      ];
    case 'add_column':
      return [{ kind: 'drop_column', table: s.table, column: s.column }];
    case 'drop_column':
      return [{ kind: 'add_column', table: s.table, column: s.column }];
    case 'rename_column':
      return [{ kind: 'rename_column', table: s.table, from: s.to, to: s.from }];
    case 'alter_column_type':
      return [{ kind: 'alter_column_type', table: s.table, column: s.column, from: s.to, to: s.from }];
    case 'set_not_null':
      return [{ kind: 'drop_not_null', table: s.table, column: s.column }];
    case 'drop_not_null':
      return [{ kind: 'set_not_null', table: s.table, column: s.column }];
    case 'set_default':
      return s.previous === null
        ? [{ kind: 'drop_default', table: s.table, column: s.column, previous: s.default }]
        : [{ kind: 'set_default', table: s.table, column: s.column, default: s.previous, previous: s.default }];
    case 'drop_default':
      return [{ kind: 'set_default', table: s.table, column: s.column, default: s.previous, previous: null }];
    case 'create_index':
      return [{ kind: 'drop_index', table: s.table, index: s.index }];
    case 'drop_index':
      return [{ kind: 'create_index', table: s.table, index: s.index }];
    case 'add_foreign_key':
      return [{ kind: 'drop_foreign_key', table: s.table, column: s.column, references: s.references }];
    case 'drop_foreign_key':
      return [{ kind: 'add_foreign_key', table: s.table, column: s.column, references: s.references }];
    case 'add_check':
      return [{ kind: 'drop_check', table: s.table, check: s.check }];
    case 'drop_check':
      return [{ kind: 'add_check', table: s.table, check: s.check }];
    case 'run_sql':
      return [{ kind: 'revert_sql', table: s.table, sql: s.sql }];
    case 'revert_sql':
      return [{ kind: 'run_sql', table: s.table, sql: s.sql }];
  }
}

/** The `down()` list: every statement inverted, last first. */
export function invertStatements(statements: readonly MigrationStatement[]): MigrationStatement[] {
  // Indexes and checks of a table this migration created vanish with its DROP TABLE; FKs stay,
  // because dropping them first frees the tables from any drop order.
  const created = new Set(statements.flatMap((s) => (s.kind === 'create_table' ? [s.table.name] : [])));
  const redundant = (s: MigrationStatement) => (s.kind === 'create_index' || s.kind === 'add_check') && created.has(s.table);
  return [...statements]
    .reverse()
    .filter((s) => !redundant(s))
    .flatMap(invertStatement);
}

/** Short words naming a statement, used for migration file slugs (`add_booking_services_color`). */
export function describeStatement(s: MigrationStatement): string {
  switch (s.kind) {
    case 'create_table':
    case 'drop_table':
      return `${s.kind}_${s.table.name}`;
    case 'add_column':
    case 'drop_column':
      return `${s.kind.split('_')[0]}_${s.table}_${s.column.name}`;
    case 'rename_column':
      return `rename_${s.table}_${s.from}_to_${s.to}`;
    case 'alter_column_type':
      return `alter_${s.table}_${s.column}_type`;
    case 'set_not_null':
    case 'drop_not_null':
    case 'set_default':
    case 'drop_default':
      return `alter_${s.table}_${s.column}`;
    case 'create_index':
    case 'drop_index':
      return `${s.kind}_${s.index.name}`;
    case 'add_foreign_key':
    case 'drop_foreign_key':
      return `${s.kind.split('_')[0]}_fk_${s.table}_${s.column}`;
    case 'add_check':
    case 'drop_check':
      return `${s.kind}_${s.check.name}`;
    case 'run_sql':
    case 'revert_sql':
      return `${s.kind}_${s.table}_${s.sql.name}`;
  }
}
