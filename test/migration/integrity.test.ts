/**
 * Migration integrity: checksums.json records each migration as generated; an edited migration fails
 * `loopgen check` and the migrator (against the record and against what the database applied);
 * databases migrated before checksums existed are backfilled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { runBuild } from '../../bin/build-runner.ts';
import { runFullCheck } from '../../bin/commands/check.ts';
import { EXIT } from '../../bin/exit-codes.ts';
import { migrationChecksum } from '../../generator/emit/migration/index.ts';
import { migrate, migrationChecksum as runtimeChecksum, MigrationIntegrityError } from '../../runtime/db/migrator.ts';
import { closeDatabase } from '../../runtime/db/open-database.ts';
import { freshDatabase } from '../db/db-helpers.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'basic', 'spec');
const SCHEMA = 'test_migration_integrity';
let root: string;
let dir: string;
let initial: string;
let db: Knex;

function collector() {
  const lines: string[] = [];
  return { log: (l: string) => lines.push(l), text: () => lines.join('\n') };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loopgen-integrity-'));
  await cp(fixture, join(root, 'spec'), { recursive: true });
  expect(await runBuild({ root, log: () => {} })).toBe(EXIT.ok);
  dir = join(root, 'generated', 'shop', 'migrations');
  initial = await readFile(join(dir, '0001_initial.ts'), 'utf8');
  db = await freshDatabase('shop', SCHEMA);
});
afterAll(async () => {
  await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [SCHEMA]);
  await closeDatabase(db);
  await rm(root, { recursive: true, force: true });
});

const run = (direction: 'up' | 'down' | 'status') => migrate(db, { service: 'shop', dir, direction, schema: SCHEMA });
const tamper = () => writeFile(join(dir, '0001_initial.ts'), `${initial}// a hand edit\n`);
const restore = () => writeFile(join(dir, '0001_initial.ts'), initial);

describe('checksums.json', () => {
  it('records each migration when it is generated; the generator and the runtime hash alike (CRLF read as LF)', async () => {
    const recorded = JSON.parse(await readFile(join(dir, 'checksums.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(recorded)).toEqual(['0001_initial.ts']);
    expect(recorded['0001_initial.ts']).toBe(migrationChecksum(initial));
    expect(runtimeChecksum(initial)).toBe(migrationChecksum(initial));
    expect(migrationChecksum(initial.replace(/\n/g, '\r\n'))).toBe(migrationChecksum(initial));
  });

  it('a migration written before checksums existed is recorded by the next build', async () => {
    await rm(join(dir, 'checksums.json'));
    const out = collector();
    expect(await runFullCheck({ root, log: out.log })).toBe(EXIT.failure);
    expect(out.text()).toContain('missing generated/shop/migrations/checksums.json');
    expect(await runBuild({ root, force: true, log: () => {} })).toBe(EXIT.ok);
    expect(await runFullCheck({ root, log: () => {} })).toBe(EXIT.ok);
  });
});

describe('loopgen check', () => {
  it('fails naming a migration edited after it was generated, and a rebuild does not launder it', async () => {
    await tamper();
    try {
      const out = collector();
      expect(await runFullCheck({ root, log: out.log })).toBe(EXIT.failure);
      expect(out.text()).toMatch(/edited {2}generated\/shop\/migrations\/0001_initial\.ts was edited after it was generated/);
      expect(out.text()).toContain('git checkout -- generated/shop/migrations/0001_initial.ts');
      await runBuild({ root, force: true, log: () => {} });
      expect(await runFullCheck({ root, log: () => {} })).toBe(EXIT.failure);
    } finally {
      await restore();
    }
    expect(await runFullCheck({ root, log: () => {} })).toBe(EXIT.ok);
  });

  it('fails naming a recorded migration whose file is gone', async () => {
    await rm(join(dir, '0001_initial.ts'));
    try {
      const out = collector();
      expect(await runFullCheck({ root, log: out.log })).toBe(EXIT.failure);
      expect(out.text()).toContain('generated/shop/migrations/0001_initial.ts was generated and recorded but is gone');
    } finally {
      await restore();
    }
  });
});

describe('migrate', () => {
  it('refuses an edited migration file before running anything', async () => {
    await tamper();
    try {
      await expect(run('up')).rejects.toThrow(MigrationIntegrityError);
      await expect(run('up')).rejects.toThrow(/0001_initial\.ts was edited after being generated.*git checkout --/);
    } finally {
      await restore();
    }
    expect((await run('status')).applied).toEqual([]);
  });

  it('records the checksum of each applied migration in knex_migrations', async () => {
    expect((await run('up')).applied).toEqual(['0001_initial.ts']);
    const rows = await db.withSchema(SCHEMA).select('name', 'checksum').from('knex_migrations');
    expect(rows).toEqual([{ name: '0001_initial.ts', checksum: migrationChecksum(initial) }]);
  });

  it('refuses a database whose applied migration differs from the file, even when checksums.json was rewritten', async () => {
    const checksums = await readFile(join(dir, 'checksums.json'), 'utf8');
    const edited = `${initial}// a hand edit\n`;
    await writeFile(join(dir, '0001_initial.ts'), edited);
    await writeFile(join(dir, 'checksums.json'), JSON.stringify({ '0001_initial.ts': migrationChecksum(edited) }));
    try {
      await expect(run('up')).rejects.toThrow(
        /database applied generated\/shop\/migrations\/0001_initial\.ts with different contents.*delete \.loopgen\/shop\//,
      );
      await expect(run('down')).rejects.toThrow(MigrationIntegrityError);
    } finally {
      await restore();
      await writeFile(join(dir, 'checksums.json'), checksums);
    }
    expect((await run('status')).applied).toEqual(['0001_initial.ts']);
  });

  it('backfills checksums of databases migrated before they were recorded', async () => {
    await db.withSchema(SCHEMA).table('knex_migrations').update({ checksum: null });
    await db.raw('alter table ??.knex_migrations drop column checksum', [SCHEMA]);
    expect((await run('up')).pending).toEqual([]);
    const rows = await db.withSchema(SCHEMA).select('checksum').from('knex_migrations');
    expect(rows).toEqual([{ checksum: migrationChecksum(initial) }]);
  });
});
