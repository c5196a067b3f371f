/** openDatabase: per-service schema on the search_path; PGlite persisted in its data directory. */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeDatabase, databaseSchema, dumpDatabase, openDatabase } from '../../runtime/db/open-database.ts';
import { emptyTemplate, openEmptyDatabase } from '../helpers/test-service.ts';

const SCHEMA = 'test_db_open';

describe('openDatabase', () => {
  it('creates the schema and puts it first on the search_path', async () => {
    // From the empty test cluster (openDatabase's schema handling is the same; initdb costs ~1.6 s per open).
    const db = await openEmptyDatabase({ service: 'shop', schema: SCHEMA });
    try {
      expect(databaseSchema(db)).toBe(SCHEMA);
      expect((await db.raw('select current_schema() as s')).rows[0].s).toBe(SCHEMA);
      await db.schema.dropTableIfExists('probe');
      await db.schema.createTable('probe', (t) => t.integer('n'));
      const where = await db('information_schema.tables').where({ table_name: 'probe' }).pluck('table_schema');
      expect(where).toEqual([SCHEMA]);
    } finally {
      await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [SCHEMA]);
      await closeDatabase(db);
    }
  });

  // knex-pglite once gave the raw result object for delete and increment (always truthy): every
  // "deleted nothing → 404" check passed on the embedded database.
  it('answers delete, update and increment with the number of rows they touched', async () => {
    const db = await openEmptyDatabase({ service: 'shop', schema: `${SCHEMA}_counts` });
    try {
      await db.schema.createTable('probe', (t) => {
        t.increments('id');
        t.text('v');
        t.integer('n').defaultTo(0);
      });
      await db('probe').insert([{ v: 'a' }, { v: 'a' }, { v: 'b' }]);
      expect(await db('probe').where({ v: 'none' }).delete()).toBe(0);
      expect(await db('probe').where({ v: 'none' }).update({ v: 'c' })).toBe(0);
      expect(await db('probe').where({ v: 'none' }).increment('n', 1)).toBe(0);
      expect(await db('probe').where({ v: 'a' }).increment('n', 1)).toBe(2);
      expect(await db('probe').where({ v: 'a' }).decrement('n', 1)).toBe(2);
      expect(await db('probe').where({ v: 'a' }).update({ v: 'c' })).toBe(2);
      expect(await db('probe').where({ v: 'b' }).del()).toBe(1);
      expect(await db('probe').where({ v: 'c' }).delete().returning('id')).toHaveLength(2);
      expect(await db('probe').count({ n: '*' }).first()).toEqual({ n: 0 });
    } finally {
      await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [`${SCHEMA}_counts`]);
      await closeDatabase(db);
    }
  });

  // A template built "in PGlite" while DATABASE_URL was set once ran its DROP DATABASE template1 on the server.
  it('opens a handed PGlite instance or cluster as embedded even when DATABASE_URL is set', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const before = process.env.DATABASE_URL;
    process.env.DATABASE_URL = 'postgres://nobody@127.0.0.1:1/none';
    try {
      const pglite = await PGlite.create({ loadDataDir: await emptyTemplate() });
      const db = await openDatabase({ service: 'shop', pglite });
      try {
        expect((await db.raw('select version() as v')).rows[0].v).toMatch(/emscripten|wasm/i);
        const cluster = await dumpDatabase(db);
        const copy = await openDatabase({ service: 'shop', template: cluster });
        expect((await copy.raw('select current_schema() as s')).rows[0].s).toBe('shop');
        await closeDatabase(copy);
      } finally {
        await closeDatabase(db);
      }
    } finally {
      if (before === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = before;
    }
  });

  it('rejects a schema name that would need quoting', async () => {
    await expect(openDatabase({ service: 'shop', dataDir: ':memory:', schema: 'bad"name' })).rejects.toThrow(/invalid schema/);
  });

  it.skipIf(!!process.env.DATABASE_URL)('keeps PGlite data in dataDir across reopen (embedded mode only)', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'loopgen-pglite-')), 'shop');
    const first = await openDatabase({ service: 'shop', dataDir });
    await first.schema.createTable('kept', (t) => t.text('v'));
    await first('kept').insert({ v: 'still here' });
    await closeDatabase(first);
    const second = await openDatabase({ service: 'shop', dataDir });
    try {
      expect(await second('kept').pluck('v')).toEqual(['still here']);
    } finally {
      await closeDatabase(second);
    }
  });
});
