/**
 * The migration emitter: catalogue snapshot vs the last recorded one → at most one new
 * `generated/<service>/migrations/NNNN_<slug>.ts` plus the updated snapshot.json.
 * Append-only: existing migration files are never returned, so the writer never rewrites them.
 */
import { posix } from 'node:path';
import type { ServiceNode } from '../../ir/index.ts';
import { header, type EmitContext, type GeneratedFile } from '../generated-file.ts';
import { renderStatements } from './converters.ts';
import { diffSnapshots } from './diff.ts';
import { buildSnapshot, serialiseSnapshot } from './snapshot.ts';
import type { Snapshot } from './snapshot-types.ts';
import { describeStatement, invertStatements, type MigrationStatement } from './statements.ts';
import { migrationsDir, type PreviousMigrations } from './read-previous.ts';
import { CHECKSUMS_FILE, migrationChecksum, serialiseChecksums } from './checksums.ts';

export { migrationsDir, readPreviousMigrations, type PreviousMigrations } from './read-previous.ts';

export interface EmitMigrationsResult {
  /** The new migration (if any), snapshot.json and checksums.json. */
  readonly files: GeneratedFile[];
  readonly statements: MigrationStatement[];
  readonly destructive: MigrationStatement[];
  /** The catalogue's schema differs from the recorded snapshot. */
  readonly changed: boolean;
  /** Destructive statements were found and not allowed: no migration, snapshot.json kept as it was; report and exit. */
  readonly refused: boolean;
}

export function emitMigrations(
  service: ServiceNode,
  _ctx: EmitContext,
  previous: PreviousMigrations,
  opts: { readonly allowDestructive: boolean },
): EmitMigrationsResult {
  const dir = migrationsDir(service.name);
  const next = buildSnapshot(service);
  const diff = diffSnapshots(previous.snapshot, next, opts);
  const snapshotPath = `${dir}/snapshot.json`;

  // Unchanged or refused: hand back the recorded snapshot as read, so nothing on disk moves
  // (and a writer that deletes what no emitter returned keeps it).
  const checksumsPath = `${dir}/${CHECKSUMS_FILE}`;
  const recorded = previous.checksums ?? {};
  const kept = [
    ...(Object.keys(recorded).length > 0 ? [{ path: checksumsPath, contents: serialiseChecksums(recorded) }] : []),
    ...(previous.snapshot ? [{ path: snapshotPath, contents: serialiseSnapshot(previous.snapshot) }] : []),
  ];
  if (diff.statements.length === 0) {
    return { files: kept, statements: [], destructive: [], changed: false, refused: false };
  }
  if (diff.refused) {
    return { files: kept, statements: diff.statements, destructive: diff.destructive, changed: true, refused: true };
  }

  const name = `${nextNumber(previous.existing)}_${previous.snapshot ? slug(diff.statements) : 'initial'}.ts`;
  const source = `${posix.dirname(service.sourceFile)}/`;
  const migration: GeneratedFile = { path: `${dir}/${name}`, contents: migrationModule(source, diff.statements) };
  const checksums = { ...recorded, [name]: migrationChecksum(migration.contents) };
  return {
    files: [
      migration,
      { path: checksumsPath, contents: serialiseChecksums(checksums) },
      { path: snapshotPath, contents: serialiseSnapshot(next) },
    ],
    statements: diff.statements,
    destructive: diff.destructive,
    changed: true,
    refused: false,
  };
}

/** A Knex migration module: `up` applies the statements, `down` applies their inverses in reverse. */
export function migrationModule(source: string, statements: readonly MigrationStatement[]): string {
  const body = (lines: string[]) => lines.map((l) => `  ${l}`).join('\n');
  return [
    header(source).trimEnd(),
    `import type { Knex } from 'knex';`,
    '',
    'export async function up(knex: Knex): Promise<void> {',
    body(renderStatements(statements)),
    '}',
    '',
    'export async function down(knex: Knex): Promise<void> {',
    body(renderStatements(invertStatements(statements))),
    '}',
    '',
  ].join('\n');
}

/** Next 4-digit number after the highest existing one (gaps are left alone). */
export function nextNumber(existing: readonly string[]): string {
  const max = existing.reduce((m, f) => {
    const n = /^(\d+)_/.exec(f);
    return n ? Math.max(m, Number(n[1])) : m;
  }, 0);
  return String(max + 1).padStart(4, '0');
}

const MAX_SLUG = 60;

/** Slug from the first statement, e.g. `add_booking_services_color`; `_and_more` when there are others. */
function slug(statements: readonly MigrationStatement[]): string {
  const first = describeStatement(statements[0]!).replace(/[^a-z0-9_]+/g, '_');
  const more = statements.length > 1 && !sameSubject(statements) ? '_and_more' : '';
  return (first.length > MAX_SLUG ? first.slice(0, MAX_SLUG).replace(/_+$/, '') : first) + more;
}

/** A new column with its index/check is one change; don't call it "and more". */
function sameSubject(statements: readonly MigrationStatement[]): boolean {
  const s = statements[0]!;
  if (s.kind !== 'add_column' && s.kind !== 'create_table') return false;
  const table = s.kind === 'add_column' ? s.table : s.table.name;
  const column = s.kind === 'add_column' ? s.column.name : null;
  return statements.slice(1).every((o) => {
    if (!('table' in o) || (typeof o.table === 'string' ? o.table : o.table.name) !== table) return false;
    if (column === null) return o.kind !== 'add_column' && o.kind !== 'drop_column';
    return (
      (o.kind === 'create_index' && o.index.columns.includes(column)) ||
      (o.kind === 'add_check' && o.check.column === column) ||
      (o.kind === 'add_foreign_key' && o.column === column)
    );
  });
}
