/**
 * The Citus variant of the schema (service.yaml `citus: true`, docs/citus.md). Citus itself does not run here, so
 * the script is applied to plain PostgreSQL (or PGlite) with the three Citus functions stubbed to record their
 * calls: that proves the DDL is valid — composite keys, composite foreign keys, SET NULL (column) — and that the
 * keys keep one tenant's rows from pointing at another's, which is what Citus needs from the schema.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitCitusSchema } from '../../generator/emit/migration/citus/emit-citus-schema.ts';
import { placementOf } from '../../generator/emit/migration/citus/classify-tables.ts';
import { buildSnapshot } from '../../generator/emit/migration/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { expectGolden } from '../helpers/golden.ts';
import { ROOT } from '../helpers/test-service.ts';
import { loadFixtureService } from './ir-edit.ts';

const STUBS = `
CREATE TABLE citus_calls (fn text, tbl text, col text, colocate text);
CREATE FUNCTION create_reference_table(t regclass) RETURNS void LANGUAGE sql
  AS $$ INSERT INTO citus_calls VALUES ('reference', t::text, NULL, NULL) $$;
CREATE FUNCTION create_distributed_table(t regclass, col text, colocate_with text DEFAULT 'default') RETURNS void LANGUAGE sql
  AS $$ INSERT INTO citus_calls VALUES ('distributed', t::text, col, colocate_with) $$;
CREATE FUNCTION citus_add_local_table_to_metadata(t regclass) RETURNS void LANGUAGE sql
  AS $$ INSERT INTO citus_calls VALUES ('local', t::text, NULL, NULL) $$;
`;

/** A fresh empty database: a new PostgreSQL database when DATABASE_URL is set, else an in-memory PGlite. */
async function emptyDatabase(): Promise<{ query(sql: string): Promise<{ rows: Record<string, unknown>[] }>; close(): Promise<void> }> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    const db = new PGlite();
    return {
      query: async (sql) => ((await db.exec(sql)).at(-1) ?? { rows: [] }) as { rows: Record<string, unknown>[] },
      close: () => db.close(),
    };
  }
  const name = `loopgen_citus_${randomBytes(4).toString('hex')}`;
  const a = new pg.Client({ connectionString: admin });
  await a.connect();
  await a.query(`create database "${name}"`);
  await a.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  return {
    query: async (sql) => {
      const r = await c.query(sql);
      return Array.isArray(r) ? r.at(-1)! : r;
    },
    close: async () => {
      await c.end();
      const b = new pg.Client({ connectionString: admin });
      await b.connect();
      await b.query(`drop database if exists "${name}" with (force)`);
      await b.end();
    },
  };
}

describe('citus schema variant', () => {
  it('the fixture shop service gives the golden script', async () => {
    const shop = await loadFixtureService('shop');
    await expectGolden('migrations-citus', [emitCitusSchema({ ...shop, citus: true })]);
  });

  it('is emitted only for services that ask for it, and byte-identical on every run', async () => {
    const shop = await loadFixtureService('shop');
    expect(shop.citus).toBe(false);
    const a = emitCitusSchema({ ...shop, citus: true });
    const b = emitCitusSchema({ ...shop, citus: true });
    expect(a.contents).toBe(b.contents);
  });

  describe('the LOOP script on a database', () => {
    let db: Awaited<ReturnType<typeof emptyDatabase>>;
    let snapshotTables: ReturnType<typeof buildSnapshot>['tables'];
    beforeAll(async () => {
      const { catalogue } = await loadCatalogue(ROOT, { services: ['loop'] });
      const loop = catalogue!.services[0]!;
      snapshotTables = buildSnapshot(loop).tables;
      db = await emptyDatabase();
      await db.query(STUBS);
      await db.query(emitCitusSchema(loop).contents);
    }, 120_000);
    afterAll(() => db?.close());

    it('places every table once: tenant tables distributed by company_id in one co-location group', async () => {
      const calls = (await db.query('select fn, tbl, col, colocate from citus_calls')).rows;
      expect(calls.length).toBe(snapshotTables.length);
      const distributed = calls.filter((c) => c.fn === 'distributed');
      expect(distributed.every((c) => c.col === 'company_id')).toBe(true);
      const anchor = distributed.find((c) => c.colocate === 'default')!.tbl;
      expect(distributed.filter((c) => c.colocate === 'default')).toHaveLength(1);
      expect(distributed.filter((c) => c.colocate !== 'default').every((c) => c.colocate === anchor)).toBe(true);
      expect(calls.find((c) => c.tbl === 'companies')!.fn).toBe('reference');
      for (const t of snapshotTables) expect(calls.find((c) => c.tbl === t.name)?.fn).toBe(placementOf(t));
    });

    it('every primary key and unique index of a distributed table includes company_id', async () => {
      const rows = (
        await db.query(`
        select c.relname as tbl, i.indisprimary as pk,
               array_to_string(array(select a.attname from unnest(i.indkey) k join pg_attribute a on a.attrelid = c.oid and a.attnum = k), ',') as cols
          from pg_index i join pg_class c on c.oid = i.indrelid join citus_calls cc on cc.tbl = c.relname
         where cc.fn = 'distributed' and (i.indisunique or i.indisprimary)`)
      ).rows;
      expect(rows.length).toBeGreaterThan(200);
      const without = rows.filter((r) => !String(r.cols).split(',').includes('company_id'));
      expect(without).toEqual([]);
    });

    it("a row cannot point at another tenant's row, and SET NULL clears only the reference", async () => {
      await db.query(`
        insert into companies (id, name, code, slug) values (1, 'A', 'AAA', 'a1'), (2, 'B', 'BBB', 'b2');
        insert into workspaces (id, company_id, name, slug) values (10, 1, 'W', 'w')`);
      await expect(
        db.query(`insert into ai_usage_logs (company_id, workspace_id, feature, provider, model) values (2, 10, 'chat', 'openai', 'm')`),
      ).rejects.toThrow(/foreign key/);
      await db.query(
        `insert into ai_usage_logs (id, company_id, workspace_id, feature, provider, model) values (5, 1, 10, 'chat', 'openai', 'm')`,
      );
      await db.query(
        `insert into ai_insights (company_id, title, summary, kind, generated_at, usage_log_id) values (1, 't', 's', 'trend', now(), 5)`,
      );
      await db.query(`delete from ai_usage_logs where id = 5`);
      const left = (await db.query(`select company_id, usage_log_id from ai_insights`)).rows;
      expect(left).toEqual([{ company_id: expect.anything(), usage_log_id: null }]);
      expect(Number(left[0]!.company_id)).toBe(1);
    });
  });
});
