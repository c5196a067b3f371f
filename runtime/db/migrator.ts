/**
 * Applies a service's generated migrations (`generated/<service>/migrations/NNNN_*.ts`) with Knex's
 * migrator. The files are TypeScript; they are imported directly (tsx is active when loopgen runs,
 * and vitest transforms them in tests). The bookkeeping table lives in the service's schema.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { databaseSchema } from './open-database.ts';

/** Same pattern the generator writes (generator/emit/migration/read-previous.ts). */
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.ts$/;

export interface MigrateOptions {
  readonly service: string;
  /** Folder with the migration files. */
  readonly dir: string;
  readonly direction: 'up' | 'down' | 'status';
  /** Schema for knex_migrations; default the one openDatabase chose, else the service name. */
  readonly schema?: string;
}

export interface MigrateResult {
  readonly direction: 'up' | 'down' | 'status';
  /** Migrations run by this call (applied for up, rolled back for down; empty for status). */
  readonly ran: string[];
  /** Applied migrations after the call, oldest first. */
  readonly applied: string[];
  /** Migrations not yet applied after the call. */
  readonly pending: string[];
}

export function migrationSource(dir: string): Knex.MigrationSource<string> {
  return {
    async getMigrations() {
      const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return [] as string[];
        throw err;
      });
      return names.filter((n) => MIGRATION_FILE.test(n)).sort();
    },
    getMigrationName: (name) => name,
    getMigration: async (name) => (await import(pathToFileURL(join(dir, name)).href)) as Knex.Migration,
  };
}

export async function migrate(db: Knex, opts: MigrateOptions): Promise<MigrateResult> {
  const config: Knex.MigratorConfig = {
    migrationSource: migrationSource(opts.dir),
    tableName: 'knex_migrations',
    schemaName: opts.schema ?? databaseSchema(db) ?? opts.service,
  };
  let ran: string[] = [];
  if (opts.direction === 'up') [, ran] = (await db.migrate.latest(config)) as [number, string[]];
  if (opts.direction === 'down') [, ran] = (await db.migrate.rollback(config)) as [number, string[]];
  const [completed, pending] = (await db.migrate.list(config)) as [unknown[], unknown[]];
  return {
    direction: opts.direction,
    ran,
    applied: completed.map(nameOf),
    pending: pending.map(nameOf),
  };
}

/** Knex reports completed migrations as `{ name }` rows and pending ones as source items (here strings). */
function nameOf(m: unknown): string {
  if (typeof m === 'string') return m;
  const o = m as { name?: string; file?: string };
  return o.name ?? o.file ?? String(m);
}
