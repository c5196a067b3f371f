/**
 * Starts a generated service for a test file on its own database:
 * - with DATABASE_URL (CI): a fresh database per call on the real PostgreSQL server, copied from a
 *   migrated template database and dropped on close;
 * - without: an in-memory PGlite loaded from a template that was migrated and seeded once
 *   (cached under .loopgen/test-templates/, keyed by the migrations and seed data), because
 *   migrating 200+ tables per test file would dominate the suite's time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { closeDatabase, dumpDatabase, openDatabase } from '../../runtime/db/open-database.ts';
import { migrate } from '../../runtime/db/migrator.ts';
import { seedIfEmpty } from '../../runtime/db/seed.ts';
import { startService, type StartedService } from '../../runtime/serve/start-service.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface TestServiceOptions {
  /** Start background workers (webhook delivery). Default false. */
  readonly workers?: boolean;
}

// Per process: files that share a worker (vitest.config.ts, project "shared") hash the migrations and read
// the template once, not once per file.
const keys = new Map<string, Promise<string>>();
const pgliteTemplates = new Map<string, Promise<Blob>>();

/**
 * initdb's options for the clusters tests unpack per file: small WAL segments, old ones removed, and less shared
 * memory to set up at each start (PGlite serves one connection; 128 MB of buffers went unused): ~20 % off a load.
 */
const COMPACT_CLUSTER = {
  initDbStartParams: ['--wal-segsize=1'],
  postgresqlconf: ['wal_recycle = off', 'min_wal_size = 2MB', 'shared_buffers = 16MB', 'max_connections = 10'],
};

function templateKey(service: string): Promise<string> {
  let key = keys.get(service);
  if (!key) keys.set(service, (key = hashMigrations(service)));
  key.catch(() => keys.delete(service));
  return key;
}

async function hashMigrations(service: string): Promise<string> {
  const dir = join(ROOT, 'generated', service);
  const h = createHash('sha256');
  for (const f of (await readdir(join(dir, 'migrations'))).sort()) h.update(f).update(await readFile(join(dir, 'migrations', f)));
  h.update(await readFile(join(dir, 'seed.json')));
  return h.digest('hex').slice(0, 16);
}

/** A migrated, seeded PGlite cluster for the service, made once and reused by every test file. */
function pgliteTemplate(service: string): Promise<Blob> {
  let blob = pgliteTemplates.get(service);
  if (!blob) pgliteTemplates.set(service, (blob = readOrMakePgliteTemplate(service)));
  blob.catch(() => pgliteTemplates.delete(service));
  return blob;
}

let pgliteVersion: Promise<string> | undefined;

/**
 * A cluster tarball kept under .loopgen/test-templates/ as `<name>-pglite<version>.tar` (a PGlite upgrade may
 * change the on-disk format), made by `make` when missing. Uncompressed: PGlite unpacks gzip in JavaScript,
 * which took longer than loading the cluster. Written then renamed, so a parallel worker never reads half.
 */
async function cachedCluster(name: string, make: () => Promise<Blob>): Promise<Blob> {
  pgliteVersion ??= readFile(join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'), 'utf8').then(
    (text) => JSON.parse(text).version as string,
  );
  const version = await pgliteVersion;
  const dir = join(ROOT, '.loopgen', 'test-templates');
  const file = join(dir, `${name}-pglite${version}.tar`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // not made yet
  }
  const blob = await make();
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, Buffer.from(await blob.arrayBuffer()));
  await rename(tmp, file);
  return blob;
}

/**
 * Every test file unpacks this cluster into memory, so it is kept small: 1 MB WAL segments instead of 16
 * (initdb's --wal-segsize), old segments removed rather than recycled, and no template0/template1 (nothing
 * in a test creates a database). LOOP's is ~43 MB instead of ~90 and loads in ~0.5 s instead of ~1.4.
 */
async function readOrMakePgliteTemplate(service: string): Promise<Blob> {
  return cachedCluster(`${service}-${await templateKey(service)}`, async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const db = await openDatabase({ service, pglite: await PGlite.create(COMPACT_CLUSTER) });
    try {
      await migrate(db, { service, dir: join(ROOT, 'generated', service, 'migrations'), direction: 'up' });
      await seedIfEmpty(db, { service, seedFile: join(ROOT, 'generated', service, 'seed.json'), demo: false });
      for (const template of ['template1', 'template0']) {
        await db.raw(`alter database ${template} is_template false`);
        await db.raw(`drop database ${template}`);
      }
      await db.raw('vacuum');
      await db.raw('checkpoint');
      return await dumpDatabase(db);
    } finally {
      await closeDatabase(db);
    }
  });
}

/**
 * An embedded data directory for a `loopgen serve` child process (test/serve/serve-process.ts), already
 * migrated and seeded: the cluster of the test template written to `dir`. A first `serve` on an empty
 * directory migrates the whole catalogue (~5 s of CPU for LOOP); tests that are not about that first start
 * begin from here instead.
 */
export async function embeddedDataDir(service: string, dir: string): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create({ dataDir: dir, loadDataDir: await pgliteTemplate(service) });
  await pglite.close();
  return dir;
}

let emptyCluster: Promise<Blob> | undefined;

/** A cluster that holds nothing yet (initdb only), made once: for `openDatabase({ template })` or `PGlite.create`. */
export function emptyTemplate(): Promise<Blob> {
  emptyCluster ??= cachedCluster('empty', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create(COMPACT_CLUSTER);
    try {
      await pglite.exec('checkpoint');
      return await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
  });
  emptyCluster.catch(() => (emptyCluster = undefined));
  return emptyCluster;
}

/**
 * An empty database for tests that make their own tables: with DATABASE_URL the test server (a schema of the
 * caller's keeps files apart); without, an in-memory PGlite loaded from a cluster made once — opening
 * `dataDir: ':memory:'` runs initdb every time (~1.6 s of CPU), loading the made cluster ~0.2 s.
 */
export async function openEmptyDatabase(opts: { service: string; schema?: string }): Promise<Knex> {
  if (process.env.DATABASE_URL) return openDatabase(opts);
  return openDatabase({ ...opts, template: await emptyTemplate() });
}

/** A database URL like DATABASE_URL but naming another database. */
function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * PostgreSQL: a template database migrated and seeded once per catalogue version (under an advisory
 * lock, so parallel test files neither build it twice nor migrate side by side — one full migration
 * takes thousands of locks and two at once exhaust the default lock table). Each test file then gets
 * `CREATE DATABASE … TEMPLATE`, a file copy that takes a fraction of a second.
 */
async function pgTemplate(service: string, adminUrl: string): Promise<string> {
  const name = `loopgen_tpl_${service}_${await templateKey(service)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock(727002)');
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (exists.rowCount) return name;
    // Older templates of this service belong to earlier catalogues.
    const old = await admin.query(`select datname from pg_database where datname like $1`, [`loopgen_tpl_${service}_%`]);
    for (const row of old.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`);
    const building = `${name}_building`;
    await admin.query(`drop database if exists "${building}" with (force)`);
    await admin.query(`create database "${building}"`);
    const db = await openDatabase({ service, url: withDatabase(adminUrl, building) });
    try {
      await migrate(db, { service, dir: join(ROOT, 'generated', service, 'migrations'), direction: 'up' });
      await seedIfEmpty(db, { service, seedFile: join(ROOT, 'generated', service, 'seed.json'), demo: false });
    } finally {
      await closeDatabase(db);
    }
    await admin.query(`alter database "${building}" rename to "${name}"`);
    return name;
  } finally {
    await admin.end(); // ends the session, releasing the advisory lock
  }
}

/**
 * Mutation runs (`npm run mutate`, LOOPGEN_TEST_DB=rollback): StrykerJS re-runs a test file for every mutant,
 * and creating plus dropping a database per run costs seconds. There each worker keeps one database copied
 * from the template, and a test file gets a transaction on it that is rolled back on close: the file starts
 * from the seeded template every time, for the cost of a BEGIN. Statements the code runs in its own
 * `transaction()` become savepoints; `now()` is the start of the file's transaction.
 */
async function openRollbackDatabase(service: string, adminUrl: string): Promise<{ db: Knex; drop(): Promise<void> }> {
  // One per mutation area, StrykerJS worker and vitest worker: two areas may run side by side, and a row one
  // file's open transaction inserted would hold up another file's insert of the same key until it rolls back.
  const area = (process.env.MUTATE_AREA ?? '').replace(/[^a-z]/g, '').slice(0, 10);
  const worker = `${area}${process.env.STRYKER_MUTATOR_WORKER ?? 'x'}_${process.env.VITEST_POOL_ID ?? 0}`;
  const name = `loopgen_mut_${service}_${await templateKey(service)}_${worker}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
    // Only a missing database needs the template (made or found under its lock by pgTemplate).
    if (!exists.rowCount) {
      await admin.query(`create database "${name}" template "${await pgTemplate(service, adminUrl)}"`);
      // This worker's copies of earlier catalogues are of no further use.
      const stale = await admin.query('select datname from pg_database where datname like $1 and datname <> $2', [
        `loopgen_mut_${service}_%_${worker}`,
        name,
      ]);
      for (const row of stale.rows) await admin.query(`drop database if exists "${row.datname}" with (force)`);
    }
  } finally {
    await admin.end();
  }
  const base = await openDatabase({ service, url: withDatabase(adminUrl, name) });
  const trx = await base.transaction();
  return {
    db: trx,
    async drop() {
      await trx.rollback().catch(() => undefined);
      await closeDatabase(base);
    },
  };
}

/** Opens an empty-of-tenants, migrated and seeded database for one test file. */
export async function openTestDatabase(service: string): Promise<{ db: Knex; drop(): Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl && process.env.LOOPGEN_TEST_DB === 'rollback') return openRollbackDatabase(service, adminUrl);
  if (adminUrl) {
    const template = await pgTemplate(service, adminUrl);
    const name = `loopgen_t_${service}_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(`create database "${name}" template "${template}"`);
    } finally {
      await admin.end();
    }
    const db = await openDatabase({ service, url: withDatabase(adminUrl, name) });
    return {
      db,
      async drop() {
        await closeDatabase(db);
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        try {
          await a.query(`drop database if exists "${name}" with (force)`);
        } finally {
          await a.end();
        }
      },
    };
  }
  const db = await openDatabase({ service, template: await pgliteTemplate(service) });
  return { db, drop: () => closeDatabase(db) };
}

export interface TestService extends StartedService {
  /** Base URL of the API, e.g. http://127.0.0.1:PORT/api/v1/ */
  readonly api: string;
}

export async function startTestService(service: string, opts: TestServiceOptions = {}): Promise<TestService> {
  const { db, drop } = await openTestDatabase(service);
  const dataDir = join(ROOT, '.loopgen', 'test-data', `${service}-${process.pid}`);
  const started = await startService({ root: ROOT, service, db, dataDir, workers: opts.workers ?? false });
  const base = started.openapi.servers?.[0]?.url ?? '/';
  return {
    ...started,
    api: started.url + base,
    async close() {
      await started.close();
      await drop();
    },
  };
}
