/**
 * Opens a service's database: PostgreSQL through `pg` when a URL is given (or DATABASE_URL is set),
 * otherwise an embedded PGlite (real Postgres compiled to WASM, no install) persisted in `dataDir`.
 * Every service lives in its own schema (default: the service name), so several services — or
 * several test files — can share one PostgreSQL without seeing each other's tables.
 */
import { mkdir } from 'node:fs/promises';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { PgliteClient } from './pglite-client.ts';

// bigint (int8) columns — serial ids, refs, count(*) — arrive from node-postgres as strings by
// default, but as numbers from PGlite. Ids here stay far below 2^53, so make both give numbers;
// a value that would lose precision stays a string rather than being silently rounded.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

export interface OpenDatabaseOptions {
  readonly service: string;
  /** postgres:// URL; default process.env.DATABASE_URL. When neither is set, PGlite is used. */
  readonly url?: string;
  /** PGlite data directory; default `.loopgen/<service>/`; `':memory:'` for a throwaway database. */
  readonly dataDir?: string;
  /** Schema holding the service's tables and knex_migrations; default the service name. */
  readonly schema?: string;
  /**
   * PGlite: start from a dump made by `dumpDatabase` instead of an empty cluster (in memory). Wins over `url`.
   * Tests migrate a template once and load it per file, which takes a fraction of a migration.
   */
  readonly template?: Blob;
  /** PGlite: an instance the caller created with options of its own (tests build compact templates so). Wins over `url`. */
  readonly pglite?: import('@electric-sql/pglite').PGlite;
  /** Names the opener in the data directory's lock (runtime/db/data-dir-lock.ts); default `loopgen`. */
  readonly command?: string;
}

/**
 * Connections one process keeps open at most (PG_POOL_MAX, default 10). `serve --workers N` runs N
 * processes, so a deployment holds up to processes × workers × PG_POOL_MAX connections: keep that under
 * the server's max_connections (or PgBouncer's pool size). README, "Deploying".
 */
export function poolMax(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.PG_POOL_MAX ?? '');
  return Number.isInteger(n) && n >= 1 ? n : 10;
}

const schemas = new WeakMap<Knex, string>();
const locks = new WeakMap<Knex, DataDirLock>();

/** The data-directory lock this handle holds (embedded PGlite on disk only). */
export function databaseLock(db: Knex): DataDirLock | undefined {
  return locks.get(db);
}

/** The schema `openDatabase` put this handle's search_path on (the migrator keeps its table there). */
export function databaseSchema(db: Knex): string | undefined {
  return schemas.get(db);
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Knex> {
  const schema = opts.schema ?? opts.service;
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name "${schema}"`);
  // An instance or a cluster the caller hands over is embedded by definition: DATABASE_URL must not turn it
  // into a connection to the server (a template built "in PGlite" would then alter the real cluster).
  const embedded = Boolean(opts.pglite || opts.template);
  const url = embedded ? undefined : (opts.url ?? process.env.DATABASE_URL);
  // Knex runs `SET search_path` on every new connection (pg's pool and PGlite's single one alike);
  // the schema need not exist yet, as PostgreSQL resolves the path per statement.
  const searchPath = [schema, 'public'];
  let db: Knex;
  let lock: DataDirLock | undefined;
  if (url) {
    db = knexFactory({ client: 'pg', connection: url, searchPath, pool: { min: 0, max: poolMax() } });
  } else {
    const dataDir = opts.dataDir ?? `.loopgen/${opts.service}`;
    let connection: Record<string, unknown> = {};
    if (opts.pglite) {
      connection = { pglite: opts.pglite };
    } else if (opts.template) {
      const { PGlite } = await import('@electric-sql/pglite');
      connection = { pglite: await PGlite.create({ loadDataDir: opts.template }) };
    } else if (dataDir !== ':memory:') {
      await mkdir(dataDir, { recursive: true });
      // Before PGlite touches the files: a second process must never open them (throws DataDirBusyError).
      lock = acquireDataDirLock(dataDir, opts.command ?? 'loopgen');
      connection = { filename: dataDir };
    }
    db = knexFactory({ client: PgliteClient as unknown as typeof knexFactory.Client, connection, searchPath });
  }
  try {
    await db.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  } catch (err) {
    // Two processes creating the same schema at once: one wins, the other sees a unique violation.
    if ((err as { code?: string }).code !== '23505') {
      await db.destroy();
      lock?.release();
      throw err;
    }
  }
  schemas.set(db, schema);
  if (lock) locks.set(db, lock);
  return db;
}

/**
 * PGlite only: the whole cluster as a tarball, for `openDatabase({ template })`. Uncompressed: PGlite unpacks
 * a gzipped one in JavaScript, which takes longer than loading the cluster itself.
 */
export async function dumpDatabase(db: Knex): Promise<Blob> {
  const pglite = (db.client as { pglite?: { dumpDataDir(c?: 'gzip' | 'none'): Promise<Blob> } }).pglite;
  if (!pglite) throw new Error('dumpDatabase works on embedded PGlite databases only');
  return pglite.dumpDataDir('none');
}

const closeHooks = new WeakMap<Knex, Set<() => Promise<void>>>();

/** Runs `fn` before `closeDatabase(db)` destroys the pool (connections of its own, e.g. a LISTEN client). */
export function onDatabaseClose(db: Knex, fn: () => Promise<void>): void {
  let hooks = closeHooks.get(db);
  if (!hooks) closeHooks.set(db, (hooks = new Set()));
  hooks.add(fn);
}

export async function closeDatabase(db: Knex): Promise<void> {
  const hooks = closeHooks.get(db);
  closeHooks.delete(db);
  for (const fn of hooks ?? []) await fn().catch(() => undefined);
  schemas.delete(db);
  const lock = locks.get(db);
  locks.delete(db);
  try {
    await db.destroy();
  } finally {
    lock?.release();
  }
}
