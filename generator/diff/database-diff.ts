/**
 * Two schema snapshots (`generated/<service>/migrations/snapshot.json`) → classified database changes.
 * The statement list is the migration generator's own (generator/emit/migration/diff.ts), so this
 * judges exactly what the next migration would do to rows already stored.
 */
import { diffSnapshots, type MigrationStatement, type Snapshot } from '../emit/migration/index.ts';
import { change, type Change, type Severity } from './change.ts';

export function diffDatabase(service: string, base: Snapshot | null, head: Snapshot | null): Change[] {
  if (!head) return [];
  const { statements, destructive } = diffSnapshots(base, head, { allowDestructive: true });
  const danger = new Set(destructive);
  const existed = new Set((base?.tables ?? []).map((t) => t.name));
  const out: Change[] = [];
  for (const s of statements) {
    const verdict = classify(s, danger.has(s), existed);
    if (verdict) out.push(change({ service, area: 'database', subject: `table ${tableOf(s)}`, ...verdict }));
  }
  return out;
}

interface Verdict {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly addition?: boolean;
}

function classify(s: MigrationStatement, destructive: boolean, existed: ReadonlySet<string>): Verdict | null {
  const onData = 'table' in s && existed.has(tableOf(s));
  switch (s.kind) {
    case 'create_table':
      return { rule: 'table-added', severity: 'safe', message: 'new table', addition: true };
    case 'drop_table':
      return { rule: 'table-dropped', severity: 'breaking', message: 'table dropped (its rows are lost)' };
    case 'drop_column':
      return { rule: 'column-dropped', severity: 'breaking', message: `column \`${s.column.name}\` dropped (its values are lost)` };
    case 'add_column': {
      const required = !s.column.nullable && s.column.default === null && !s.column.primary;
      if (required && onData) {
        return {
          rule: 'column-added-not-null-without-default',
          severity: 'breaking',
          message: `column \`${s.column.name}\` added NOT NULL without a default (fails on a table with rows)`,
        };
      }
      return { rule: 'column-added', severity: 'safe', message: `column \`${s.column.name}\` added`, addition: true };
    }
    case 'rename_column':
      return {
        rule: 'column-renamed',
        severity: 'potentially-breaking',
        message: `column \`${s.from}\` renamed to \`${s.to}\` (SQL written against the old name fails)`,
      };
    case 'alter_column_type':
      return destructive
        ? {
            rule: 'column-type-narrowed',
            severity: 'breaking',
            message: `column \`${s.column}\` type narrowed from ${s.from} to ${s.to} (existing values may not fit)`,
          }
        : { rule: 'column-type-widened', severity: 'safe', message: `column \`${s.column}\` type widened from ${s.from} to ${s.to}` };
    case 'set_not_null':
      return {
        rule: 'column-became-not-null',
        severity: 'potentially-breaking',
        message: `column \`${s.column}\` became NOT NULL (fails while any row holds NULL)`,
      };
    case 'drop_not_null':
      return { rule: 'column-became-nullable', severity: 'safe', message: `column \`${s.column}\` became nullable` };
    case 'set_default':
    case 'drop_default':
      return {
        rule: 'column-default-changed',
        severity: 'safe',
        message: `column \`${s.column}\` default changed from ${s.previous ?? 'none'} to ${s.kind === 'set_default' ? s.default : 'none'}`,
      };
    case 'create_index':
      if (s.index.unique && onData) {
        return {
          rule: 'unique-added-over-data',
          severity: 'potentially-breaking',
          message: `unique ${s.index.columns.join(', ')} added (fails while existing rows repeat a value)`,
        };
      }
      return null; // plain indexes only change speed
    case 'add_check':
      if (destructive && onData) {
        const what = s.check.values
          ? `values limited to ${s.check.values.join(', ')}`
          : `range ${s.check.min ?? '…'}–${s.check.max ?? '…'}`;
        return {
          rule: 'check-narrowed',
          severity: 'breaking',
          message: `column \`${s.check.column}\` ${what} (rows outside it make the migration fail)`,
        };
      }
      return null;
    case 'add_foreign_key':
      return onData
        ? {
            rule: 'foreign-key-added',
            severity: 'potentially-breaking',
            message: `column \`${s.column}\` now references ${s.references.table} (fails while a row points nowhere)`,
          }
        : null;
    case 'run_sql':
      return onData
        ? {
            rule: 'raw-sql-added',
            severity: 'potentially-breaking',
            message: `raw SQL \`${s.sql.name}\` runs (its statements may reject existing rows)`,
          }
        : null;
    case 'drop_index':
    case 'drop_check':
    case 'drop_foreign_key':
    case 'revert_sql':
      return null; // loosening, or the first half of a changed constraint reported by its add
  }
}

function tableOf(s: MigrationStatement): string {
  return typeof s.table === 'string' ? s.table : s.table.name;
}
