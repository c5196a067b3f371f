export { emitMigrations, migrationModule, migrationsDir, nextNumber, readPreviousMigrations } from './emit-migrations.ts';
export type { EmitMigrationsResult, PreviousMigrations } from './emit-migrations.ts';
export { buildSnapshot, serialiseSnapshot } from './snapshot.ts';
export { diffSnapshots } from './diff.ts';
export type { DiffResult } from './diff.ts';
export { convertStatement, renderStatements, CONVERTERS } from './converters.ts';
export { invertStatements } from './statements.ts';
export type { MigrationStatement, StatementKind } from './statements.ts';
export type * from './snapshot-types.ts';
