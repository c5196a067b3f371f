/**
 * Applies a service's generated migrations (`generated/<service>/migrations/NNNN_*.ts`) with Knex's
 * migrator. The files are TypeScript; they are imported directly (tsx is active when loopgen runs,
 * and vitest transforms them in tests). The bookkeeping table lives in the service's schema.
 *
 * Before anything runs, the files are validated the way Flyway's `validate` and Prisma's migrate do:
 * a file must match its entry in checksums.json (written when it was generated), and a migration
 * already applied must match the checksum recorded in `knex_migrations.checksum` when it was applied.
 * Databases migrated before checksums existed get theirs recorded on the first run.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
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
  const schemaName = opts.schema ?? databaseSchema(db) ?? opts.service;
  const config: Knex.MigratorConfig = {
    migrationSource: migrationSource(opts.dir),
    tableName: 'knex_migrations',
    schemaName,
  };
  // Also creates knex_migrations when missing, and fails when an applied migration's file is gone.
  await db.migrate.list(config);
  const files = await fileChecksums(opts.dir);
  await validateChecksums(db, schemaName, opts, files);
  let ran: string[] = [];
  if (opts.direction === 'up') [, ran] = (await db.migrate.latest(config)) as [number, string[]];
  if (opts.direction === 'down') [, ran] = (await db.migrate.rollback(config)) as [number, string[]];
  if (opts.direction === 'up') await recordChecksums(db, schemaName, files);
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

/** Thrown when migration files and their records disagree; `message` says what to do. */
export class MigrationIntegrityError extends Error {
  constructor(
    readonly files: readonly string[],
    message: string,
  ) {
    super(message);
    this.name = 'MigrationIntegrityError';
  }
}

/**
 * SHA-256 of a migration's text with CRLF read as LF. The same function writes checksums.json
 * (generator/emit/migration/checksums.ts); the runtime keeps its own copy so it never loads the generator.
 */
export function migrationChecksum(contents: string): string {
  return `sha256:${createHash('sha256').update(contents.replace(/\r\n/g, '\n')).digest('hex')}`;
}

async function fileChecksums(dir: string): Promise<Map<string, string>> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const out = new Map<string, string>();
  for (const name of names.filter((n) => MIGRATION_FILE.test(n)).sort())
    out.set(name, migrationChecksum(await readFile(join(dir, name), 'utf8')));
  return out;
}

async function recordedFileChecksums(dir: string): Promise<Record<string, string>> {
  const text = await readFile(join(dir, 'checksums.json'), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '{}';
    throw err;
  });
  return JSON.parse(text) as Record<string, string>;
}

async function validateChecksums(db: Knex, schema: string, opts: MigrateOptions, files: Map<string, string>): Promise<void> {
  const where = `generated/${opts.service}/migrations`;
  const recorded = await recordedFileChecksums(opts.dir);
  const edited = [...files].filter(([name, sum]) => recorded[name] !== undefined && recorded[name] !== sum).map(([name]) => name);
  if (edited.length > 0) {
    throw new MigrationIntegrityError(
      edited,
      `${edited.map((n) => `${where}/${n}`).join(', ')} ${edited.length === 1 ? 'was' : 'were'} edited after being generated ` +
        `(checksum differs from ${where}/checksums.json); nothing was migrated. Migrations are append-only: restore the ` +
        `file from git (git checkout -- ${where}/${edited[0]}) and make the change in spec/ so \`loopgen build\` writes a new migration.`,
    );
  }
  await ensureChecksumColumn(db, schema);
  const rows = (await db.withSchema(schema).select('name', 'checksum').from('knex_migrations')) as {
    name: string;
    checksum: string | null;
  }[];
  const differ = rows.filter((r) => r.checksum !== null && files.has(r.name) && files.get(r.name) !== r.checksum).map((r) => r.name);
  if (differ.length > 0) {
    throw new MigrationIntegrityError(
      differ,
      `the database applied ${differ.map((n) => `${where}/${n}`).join(', ')} with different contents than the file${differ.length === 1 ? '' : 's'} ` +
        `now ${differ.length === 1 ? 'has' : 'have'} (checksum recorded in ${schema}.knex_migrations); nothing was migrated. ` +
        `Restore the migration as it was applied (git log -p -- ${where}/${differ[0]}) and put the change in a new migration; ` +
        `a disposable development database can instead be dropped (delete .loopgen/${opts.service}/ or the schema ${schema}) and migrated again.`,
    );
  }
  // Applied before checksums were recorded: trust the files once, as they are now.
  await recordChecksums(db, schema, files);
}

/** Records the checksum of every applied migration that has none yet (never overwrites one). */
async function recordChecksums(db: Knex, schema: string, files: Map<string, string>): Promise<void> {
  const missing = (await db.withSchema(schema).select('name').from('knex_migrations').whereNull('checksum')) as { name: string }[];
  for (const { name } of missing) {
    const sum = files.get(name);
    if (sum) await db.withSchema(schema).table('knex_migrations').where({ name }).whereNull('checksum').update({ checksum: sum });
  }
}

/** knex_migrations gains a nullable checksum column (Knex itself only writes name, batch, migration_time). */
async function ensureChecksumColumn(db: Knex, schema: string): Promise<void> {
  if (await db.schema.withSchema(schema).hasColumn('knex_migrations', 'checksum')) return;
  // Two processes starting on one database may both get here; the lock makes the second see the column.
  await db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(727015)');
    await trx.raw('alter table ??.knex_migrations add column if not exists checksum text', [schema]);
  });
}
