/**
 * Starts a generated service for a test file on its own database:
 * - with DATABASE_URL (CI): a fresh schema per call on the real PostgreSQL, dropped on close;
 * - without: an in-memory PGlite loaded from a template that was migrated and seeded once
 *   (cached under .loopgen/test-templates/, keyed by the migrations and seed data), because
 *   migrating 200+ tables per test file would dominate the suite's time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { closeDatabase, dumpDatabase, openDatabase } from '../../runtime/db/open-database.ts';
import { migrate } from '../../runtime/db/migrator.ts';
import { seedIfEmpty } from '../../runtime/db/seed.ts';
import { startService, type StartedService } from '../../runtime/serve/start-service.ts';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface TestServiceOptions {
  /** Start background workers (webhook delivery). Default false. */
  readonly workers?: boolean;
}

async function templateKey(service: string): Promise<string> {
  const dir = join(ROOT, 'generated', service);
  const h = createHash('sha256');
  for (const f of (await readdir(join(dir, 'migrations'))).sort()) h.update(f).update(await readFile(join(dir, 'migrations', f)));
  h.update(await readFile(join(dir, 'seed.json')));
  return h.digest('hex').slice(0, 16);
}

/** A migrated, seeded PGlite cluster for the service, made once and reused by every test file. */
async function pgliteTemplate(service: string): Promise<Blob> {
  const dir = join(ROOT, '.loopgen', 'test-templates');
  const file = join(dir, `${service}-${await templateKey(service)}.tar.gz`);
  try {
    return new Blob([await readFile(file)]);
  } catch {
    // not made yet
  }
  const db = await openDatabase({ service, dataDir: ':memory:' });
  try {
    await migrate(db, { service, dir: join(ROOT, 'generated', service, 'migrations'), direction: 'up' });
    await seedIfEmpty(db, { service, seedFile: join(ROOT, 'generated', service, 'seed.json'), demo: false });
    const blob = await dumpDatabase(db);
    await mkdir(dir, { recursive: true });
    // Write then rename, so a parallel test file never reads half a template.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    await writeFile(tmp, Buffer.from(await blob.arrayBuffer()));
    await rename(tmp, file);
    return blob;
  } finally {
    await closeDatabase(db);
  }
}

/** Opens an empty-of-tenants, migrated and seeded database for one test file. */
export async function openTestDatabase(service: string): Promise<{ db: Knex; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const schema = `t_${service}_${process.pid}_${randomBytes(3).toString('hex')}`;
    const db = await openDatabase({ service, schema });
    await migrate(db, { service, dir: join(ROOT, 'generated', service, 'migrations'), direction: 'up', schema });
    await seedIfEmpty(db, { service, seedFile: join(ROOT, 'generated', service, 'seed.json'), demo: false });
    return {
      db,
      async drop() {
        // One DROP SCHEMA … CASCADE over ~250 tables takes a lock per object in one transaction and
        // runs out of lock slots when several test files finish together; drop in small batches instead.
        const tables = await db('pg_tables').where({ schemaname: schema }).pluck('tablename');
        for (let i = 0; i < tables.length; i += 25) {
          await db.raw(`DROP TABLE IF EXISTS ${tables.slice(i, i + 25).map(() => '??.??').join(', ')} CASCADE`, tables.slice(i, i + 25).flatMap((t: string) => [schema, t]));
        }
        await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
        await closeDatabase(db);
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
