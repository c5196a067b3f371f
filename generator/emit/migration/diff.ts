/**
 * Snapshot diff → ordered statement list (drizzle-kit's snapshotsDiffer, in small pieces).
 * Renames come only from `renamedFrom` hints; a column that vanished without one is a drop.
 * Order: create tables, renames, drop changed constraints (raw SQL reverted first), add columns,
 * alter columns, drop columns, create indexes/checks, add FKs, run raw SQL, drop tables — so each
 * step finds what it needs (a trigger's table and columns exist before its `up` runs).
 */
import type { MigrationStatement } from './statements.ts';
import type {
  ColumnReference,
  Snapshot,
  SnapshotCheck,
  SnapshotColumn,
  SnapshotIndex,
  SnapshotSql,
  SnapshotTable,
} from './snapshot-types.ts';
import { constraintName } from './sql-names.ts';
import { isWideningType } from './type-widening.ts';

export interface DiffOptions {
  readonly allowDestructive: boolean;
}

export interface DiffResult {
  /** Every statement, in execution order. */
  readonly statements: MigrationStatement[];
  /** The subset that can lose data or reject existing rows (drops, narrowing). */
  readonly destructive: MigrationStatement[];
  /** True when destructive statements exist and were not allowed: the caller must report and stop. */
  readonly refused: boolean;
}

interface Buckets {
  create: MigrationStatement[];
  rename: MigrationStatement[];
  dropConstraints: MigrationStatement[];
  addColumns: MigrationStatement[];
  alter: MigrationStatement[];
  dropColumns: MigrationStatement[];
  addConstraints: MigrationStatement[];
  addForeignKeys: MigrationStatement[];
  runSql: MigrationStatement[];
  dropTables: MigrationStatement[];
}

export function diffSnapshots(prev: Snapshot | null, next: Snapshot, opts: DiffOptions): DiffResult {
  const b: Buckets = {
    create: [],
    rename: [],
    dropConstraints: [],
    addColumns: [],
    alter: [],
    dropColumns: [],
    addConstraints: [],
    addForeignKeys: [],
    runSql: [],
    dropTables: [],
  };
  const destructive = new Set<MigrationStatement>();
  const prevTables = new Map((prev?.tables ?? []).map((t) => [t.name, t]));
  const nextNames = new Set(next.tables.map((t) => t.name));

  for (const table of next.tables) {
    const before = prevTables.get(table.name);
    if (before) diffTable(before, table, b, destructive);
    else {
      b.create.push({ kind: 'create_table', table });
      b.addConstraints.push(...constraintsOf(table));
      b.addForeignKeys.push(
        ...foreignKeys(table).map(([column, references]) => ({ kind: 'add_foreign_key' as const, table: table.name, column, references })),
      );
      b.runSql.push(...(table.sql ?? []).map((sql) => ({ kind: 'run_sql' as const, table: table.name, sql })));
    }
  }
  for (const table of prev?.tables ?? []) {
    if (nextNames.has(table.name)) continue;
    b.dropConstraints.push(...(table.sql ?? []).map((sql) => ({ kind: 'revert_sql' as const, table: table.name, sql })));
    // Drop the table's FKs first so tables dropped together need no particular order.
    b.dropConstraints.push(
      ...foreignKeys(table).map(([column, references]) => ({ kind: 'drop_foreign_key' as const, table: table.name, column, references })),
    );
    const drop: MigrationStatement = { kind: 'drop_table', table };
    b.dropTables.push(drop);
    destructive.add(drop);
  }

  const statements = [
    ...b.create,
    ...b.rename,
    ...b.dropConstraints,
    ...b.addColumns,
    ...b.alter,
    ...b.dropColumns,
    ...b.addConstraints,
    ...b.addForeignKeys,
    ...b.runSql,
    ...b.dropTables,
  ];
  const destructiveList = statements.filter((s) => destructive.has(s));
  return { statements, destructive: destructiveList, refused: destructiveList.length > 0 && !opts.allowDestructive };
}

function diffTable(before: SnapshotTable, after: SnapshotTable, b: Buckets, destructive: Set<MigrationStatement>): void {
  const table = after.name;
  const prevCols = new Map(before.columns.map((c) => [c.name, c]));
  const nextCols = new Set(after.columns.map((c) => c.name));
  /** Previous column name → its name now, for renamed columns. */
  const renamed = new Map<string, string>();

  for (const col of after.columns) {
    const from = col.renamedFrom;
    if (from && !prevCols.has(col.name) && prevCols.has(from) && !nextCols.has(from)) {
      renamed.set(from, col.name);
      b.rename.push({ kind: 'rename_column', table, from, to: col.name });
    }
  }
  const prevByNewName = new Map(before.columns.map((c) => [renamed.get(c.name) ?? c.name, c]));

  for (const col of after.columns) {
    const old = prevByNewName.get(col.name);
    if (!old) b.addColumns.push({ kind: 'add_column', table, column: col });
    else diffColumn(table, old, col, b, destructive);
  }
  for (const col of before.columns) {
    if (renamed.has(col.name) || nextCols.has(col.name)) continue;
    const drop: MigrationStatement = { kind: 'drop_column', table, column: col };
    b.dropColumns.push(drop);
    destructive.add(drop);
  }

  diffByName(
    [...before.indexes, ...before.uniques],
    [...after.indexes, ...after.uniques],
    sameIndex,
    (index) => {
      b.dropConstraints.push({ kind: 'drop_index', table, index });
    },
    (index) => {
      b.addConstraints.push({ kind: 'create_index', table, index });
    },
  );

  const prevChecksByColumn = new Map(before.checks.map((c) => [renamed.get(c.column) ?? c.column, c]));
  diffByName(
    before.checks,
    after.checks,
    sameCheck,
    (check) => {
      b.dropConstraints.push({ kind: 'drop_check', table, check });
    },
    (check) => {
      const add: MigrationStatement = { kind: 'add_check', table, check };
      b.addConstraints.push(add);
      // A check on a column that already held data may reject it: narrowing unless it only widens.
      const column = prevByNewName.get(check.column);
      if (column && !widensCheck(prevChecksByColumn.get(check.column), check)) destructive.add(add);
    },
  );

  // A changed block is reverted with its old `down`, then run anew; reverts go first so a re-created
  // trigger or function finds its name free.
  diffByName(
    before.sql ?? [],
    after.sql ?? [],
    sameSql,
    (sql) => {
      b.dropConstraints.unshift({ kind: 'revert_sql', table, sql });
    },
    (sql) => {
      b.runSql.push({ kind: 'run_sql', table, sql });
    },
  );

  const fkName = (column: string) => constraintName('fk', table, [column]);
  const prevFks = foreignKeys(before).map(([column, references]) => ({ name: fkName(column), column, references }));
  const nextFks = foreignKeys(after).map(([column, references]) => ({ name: fkName(column), column, references }));
  diffByName(
    prevFks,
    nextFks,
    (x, y) => sameReference(x.references, y.references),
    (fk) => {
      b.dropConstraints.push({ kind: 'drop_foreign_key', table, column: fk.column, references: fk.references });
    },
    (fk) => {
      b.addForeignKeys.push({ kind: 'add_foreign_key', table, column: fk.column, references: fk.references });
    },
  );
}

function diffColumn(table: string, old: SnapshotColumn, col: SnapshotColumn, b: Buckets, destructive: Set<MigrationStatement>): void {
  const column = col.name;
  if (old.sqlType !== col.sqlType) {
    const alter: MigrationStatement = { kind: 'alter_column_type', table, column, from: old.sqlType, to: col.sqlType };
    b.alter.push(alter);
    if (!isWideningType(old.sqlType, col.sqlType)) destructive.add(alter);
  }
  if (old.default !== col.default) {
    b.alter.push(
      col.default === null
        ? { kind: 'drop_default', table, column, previous: old.default! }
        : { kind: 'set_default', table, column, default: col.default, previous: old.default },
    );
  }
  if (old.nullable && !col.nullable) b.alter.push({ kind: 'set_not_null', table, column });
  if (!old.nullable && col.nullable) b.alter.push({ kind: 'drop_not_null', table, column });
}

/** Items matched by name: removed or changed ones are dropped, added or changed ones created. */
function diffByName<T extends { readonly name: string }>(
  before: readonly T[],
  after: readonly T[],
  same: (a: T, b: T) => boolean,
  drop: (item: T) => void,
  add: (item: T) => void,
): void {
  const prev = new Map(before.map((i) => [i.name, i]));
  const next = new Map(after.map((i) => [i.name, i]));
  for (const item of before) {
    const now = next.get(item.name);
    if (!now || !same(item, now)) drop(item);
  }
  for (const item of after) {
    const was = prev.get(item.name);
    if (!was || !same(was, item)) add(item);
  }
}

function constraintsOf(table: SnapshotTable): MigrationStatement[] {
  return [
    ...[...table.indexes, ...table.uniques].map((index) => ({ kind: 'create_index' as const, table: table.name, index })),
    ...table.checks.map((check) => ({ kind: 'add_check' as const, table: table.name, check })),
  ];
}

function foreignKeys(table: SnapshotTable): [string, ColumnReference][] {
  return table.columns.flatMap((c) => (c.references ? [[c.name, c.references] as [string, ColumnReference]] : []));
}

function sameIndex(a: SnapshotIndex, b: SnapshotIndex): boolean {
  return a.unique === b.unique && a.where === b.where && a.columns.join(',') === b.columns.join(',');
}

function sameCheck(a: SnapshotCheck, b: SnapshotCheck): boolean {
  return a.expression === b.expression;
}

function sameSql(a: SnapshotSql, b: SnapshotSql): boolean {
  return JSON.stringify([a.up, a.down]) === JSON.stringify([b.up, b.down]);
}

function sameReference(a: ColumnReference, b: ColumnReference): boolean {
  return a.table === b.table && a.column === b.column && a.onDelete === b.onDelete;
}

/** True when every value the old check accepted is still accepted by the new one. */
function widensCheck(old: SnapshotCheck | undefined, now: SnapshotCheck): boolean {
  if (!old) return false;
  if (now.values) return !!old.values && old.values.every((v) => now.values!.includes(v));
  if (old.values || old.measure !== now.measure) return false;
  const minOk = now.min === undefined || (old.min !== undefined && now.min <= old.min);
  const maxOk = now.max === undefined || (old.max !== undefined && now.max >= old.max);
  return minOk && maxOk;
}
