/** Test database: PGlite in memory, or DATABASE_URL's PostgreSQL in a fresh schema owned by one test file. */
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Knex } from 'knex';
import type { GeneratedFile } from '../../generator/emit/generated-file.ts';
import { openEmptyDatabase } from '../helpers/test-service.ts';

export async function freshDatabase(service: string, schema: string): Promise<Knex> {
  const db = await openEmptyDatabase({ service, schema });
  // A previous run against a real PostgreSQL may have left the schema behind.
  await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
  await db.raw('CREATE SCHEMA ??', [schema]);
  return db;
}

/** Writes emitted files under a temporary project root; returns the root. */
export async function writeFiles(files: readonly GeneratedFile[], root?: string): Promise<string> {
  const dir = root ?? (await mkdtemp(join(tmpdir(), 'loopgen-db-')));
  for (const f of files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await writeFile(join(dir, f.path), f.contents);
  }
  return dir;
}

export async function tablesOf(db: Knex, schema: string): Promise<string[]> {
  const rows = await db('information_schema.tables').where({ table_schema: schema }).orderBy('table_name').pluck('table_name');
  return rows as string[];
}

export async function columnsOf(db: Knex, schema: string, table: string): Promise<string[]> {
  const rows = await db('information_schema.columns')
    .where({ table_schema: schema, table_name: table })
    .orderBy('column_name')
    .pluck('column_name');
  return rows as string[];
}
