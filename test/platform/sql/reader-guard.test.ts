/**
 * The database is the guard of POST /v1/sql: these tests call the execution function directly —
 * no parser in the way — and show that the tenant's reader sees only its tenant's object data, can
 * write nothing, cannot re-point the tenant or its role, reaches no internal table or file, is stopped
 * by the statement timeout and the row cap, and leaves nothing behind on the connection.
 * Runs on PostgreSQL (DATABASE_URL) and on PGlite, where roles and RLS behave the same (the timeout
 * does not fire on PGlite; that case is PostgreSQL-only and the endpoint refuses PGlite for it).
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { closeDatabase, openDatabase } from '../../../runtime/db/open-database.ts';
import { READER_ROLE } from '../../../runtime/platform/sql/reader-objects.ts';
import { ensureSqlReader, readinessProblems, sqlSchemaOf } from '../../../runtime/platform/sql/reader-setup.ts';
import { asTenantReader, ReaderQueryError, runReadOnlyQuery } from '../../../runtime/platform/sql/reader-session.ts';
import { onPglite, schemaOf, sqlTenant, type SqlTenant } from './fixtures.ts';

let svc: TestService;
let a: SqlTenant;
let b: SqlTenant;
let schema: string;

beforeAll(async () => {
  svc = await startTestService('platform');
  schema = schemaOf(svc);
  a = await sqlTenant(svc, 'a', 3);
  b = await sqlTenant(svc, 'b', 2);
  expect(await ensureSqlReader(svc.db, schema)).toEqual({ ok: true });
  // A volatile function anyone may call that writes (SECURITY INVOKER, in public, as extensions put them).
  await svc.db.raw(
    `CREATE OR REPLACE FUNCTION public.sql_test_write() RETURNS int LANGUAGE sql AS $$
       UPDATE "${schema}".pf_objects SET version = version + 100 RETURNING 1 $$`,
  );
  await svc.db.raw(`ANALYZE "${schema}".pf_objects`);
}, 120_000);
afterAll(async () => {
  await svc?.db.raw('DROP FUNCTION IF EXISTS public.sql_test_write()').catch(() => undefined);
  await svc?.close();
});

const q = (t: SqlTenant, sql: string, params: unknown[] = [], extra: { rowCap?: number; timeoutMs?: number } = {}) =>
  runReadOnlyQuery(svc.db, { tenantId: t.tenantId, schema, sql, params, rowCap: extra.rowCap ?? 100, timeoutMs: extra.timeoutMs ?? 5000 });

/** The SQLSTATE the database refused `sql` with (the execution function marks the statement's own failures). */
async function refusal(t: SqlTenant, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await q(t, sql, params);
  } catch (e) {
    expect(e).toBeInstanceOf(ReaderQueryError);
    return String(((e as ReaderQueryError).cause as { code?: string }).code);
  }
  throw new Error(`the database ran: ${sql}`);
}

describe('tenant pinning', () => {
  it("tenant A sees only A's object data in every view", async () => {
    const objects = await q(a, 'select properties->>$1 as name from objects order by 1', ['name']);
    expect(objects.rows.map((r) => r.name)).toEqual(['a-1', 'a-2', 'a-3']);
    expect((await q(a, 'select id from object_types')).rows).toEqual([{ id: a.typeId }]);
    expect((await q(a, 'select name from properties order by name')).rows.map((r) => r.name)).toEqual(['amount', 'name']);
    expect((await q(a, 'select from_id, to_id, meta from associations')).rows).toEqual([
      { from_id: a.objectIds[0], to_id: a.objectIds[1], meta: { tenant: 'a' } },
    ]);
    expect((await q(a, 'select count(*)::int as n from object_versions')).rows[0].n).toBeGreaterThan(0);
    expect((await q(b, 'select count(*)::int as n from objects')).rows[0].n).toBe(2);
  });

  it("B's rows stay out of reach by id, through CTEs, subqueries, unions and joins", async () => {
    const ids = [...b.objectIds, b.typeId];
    for (const sql of [
      'select id from objects where id = any($1::text[])',
      'with x as (select * from objects) select id from x where id = any($1::text[])',
      'select id from (select id from objects union all select id from object_types) s where id = any($1::text[])',
      'select o.id from objects o join object_types t on t.id = o.object_type_id where o.id = any($1::text[])',
      'select id from objects where exists (select 1 from object_versions v where v.object_id = any($1::text[]))',
      'with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select o.id from objects o, r where o.id = any($1::text[])',
    ])
      expect((await q(a, sql, [ids])).rows, sql).toEqual([]);
  });

  it('the tenant setting cannot be re-pointed or the role reset from inside a query', async () => {
    const other = String(b.tenantId);
    expect(await refusal(a, `select set_config('loopgen.tenant', $1, false)`, [other])).toBe('42501');
    expect(await refusal(a, `select set_config('loopgen.tenant', $1, true), (select count(*) from objects)`, [other])).toBe('42501');
    expect(await refusal(a, `select set_config('role', 'none', true)`)).toBe('42501');
    expect(await refusal(a, `select set_config('session_authorization', session_user, true)`)).toBe('42501');
    expect(await refusal(a, `select 1 from pg_settings where set_config(name, $1, true) is not null`, [other])).toBe('42501');
    // Reading the setting is harmless: it is the caller's own tenant.
    expect((await q(a, `select current_setting('loopgen.tenant') as t, current_user as u`)).rows).toEqual([
      { t: String(a.tenantId), u: READER_ROLE },
    ]);
  });

  it('catalogue views reveal no rows of other tenants (statistics, activity)', async () => {
    expect((await q(a, `select * from pg_stats where tablename like 'pf\\_%'`)).rows).toEqual([]);
    const activity = await q(a, 'select query from pg_stat_activity where query is not null and query <> $1', ['<insufficient privilege>']);
    expect(activity.rows.filter((r) => String(r.query).includes('pf_'))).toEqual([]);
  });
});

describe('internal tables, files and functions are unreachable', () => {
  it('service tables, by name or through functions that run SQL', async () => {
    for (const sql of [
      `select * from "${schema}".pf_api_keys`,
      `select password from "${schema}".pf_users`,
      `select * from "${schema}".pf_objects`,
      `select query_to_xml('select * from "${schema}".pf_api_keys', true, false, '')`,
      `select * from pg_catalog.pg_authid`,
    ])
      expect(await refusal(a, sql), sql).toBe('42501');
    // Not on the search path either.
    expect(await refusal(a, 'select * from pf_api_keys')).toBe('42P01');
  });

  it('files, large objects, COPY, advisory locks, WAL messages, dblink', async () => {
    for (const sql of [
      `select pg_read_file('/etc/passwd')`,
      `select pg_ls_dir('.')`,
      `select lo_import('/etc/passwd')`,
      `select lo_export(1, '/tmp/x')`,
      `select lo_create(0)`,
      `select lo_from_bytea(0, 'abc')`,
      `select lo_get(1)`,
      `select pg_advisory_lock(727002)`,
      `select pg_try_advisory_lock(1, 2)`,
      `select pg_logical_emit_message(false, 'x', 'y')`,
    ])
      expect(await refusal(a, sql), sql).toBe('42501');
    expect(['42601', '0A000']).toContain(await refusal(a, `copy (select 1) to stdout`));
    // dblink is not installed; were it, a non-superuser may not connect without a password.
    expect(await refusal(a, `select dblink('dbname=postgres', 'select 1')`)).toBe('42883');
  });
});

describe('writes fail at the database even when the parser is bypassed', () => {
  it('every write form sent straight to the execution function', async () => {
    const writes = [
      `insert into objects (id) values ('x') returning id`,
      `with x as (delete from objects returning id) select * from x`,
      `select * from objects for update`,
      `select 1) q; delete from objects; select (1`,
      `select public.sql_test_write()`,
      `select nextval('pg_catalog.pg_class_oid_seq')`,
      `select lo_create(0)`,
      `select * into t_copy from objects`,
      `create table t_new as select 1`,
    ];
    for (const sql of writes) expect(await refusal(a, sql), sql).toMatch(/^(42601|0A000|25006|42501|42P01|42883)$/);
    const after = await svc.db.raw(`select max(version) as v, count(*)::int as n from "${schema}".pf_objects`);
    expect(after.rows[0]).toEqual({ v: expect.any(Number), n: 5 });
    expect(after.rows[0].v).toBeLessThan(100);
  });

  it('the role alone refuses writes: as the reader, in a read-write transaction', async () => {
    const tries = [
      `insert into "${sqlSchemaOf(schema)}".objects (id) values ('x')`,
      `update "${sqlSchemaOf(schema)}".objects set version = 9`,
      `delete from "${sqlSchemaOf(schema)}".objects`,
      `update "${schema}".pf_objects set version = 9`,
      `delete from "${schema}".pf_api_keys`,
      `truncate "${schema}".pf_objects`,
      `create table "${sqlSchemaOf(schema)}".t (a int)`,
      `select public.sql_test_write()`,
      `select set_config('loopgen.tenant', '${b.tenantId}', true)`,
    ];
    const codes: string[] = [];
    await svc.db.transaction(async (trx: Knex.Transaction) => {
      await trx.raw(`select set_config('loopgen.tenant', ?, true), set_config('role', ?, true)`, [String(a.tenantId), READER_ROLE]);
      expect((await trx.raw('select current_setting($$transaction_read_only$$) as ro')).rows[0].ro).toBe('off');
      for (const sql of tries) {
        await trx.raw('savepoint w');
        try {
          await trx.raw(sql);
          codes.push(`ran: ${sql}`);
        } catch (e) {
          codes.push(String((e as { code?: string }).code));
        }
        await trx.raw('rollback to savepoint w');
      }
      await trx.raw('reset role');
    });
    expect(codes).toEqual(tries.map(() => '42501'));
  });
});

describe('limits', () => {
  it('the row cap reports truncation', async () => {
    const capped = await q(a, 'select properties->>$1 as name from objects order by 1', ['name'], { rowCap: 2 });
    expect(capped).toMatchObject({ columns: ['name'], truncated: true, rows: [{ name: 'a-1' }, { name: 'a-2' }] });
    expect((await q(a, 'select id from objects', [], { rowCap: 3 })).truncated).toBe(false);
  });

  // PGlite runs statements on the process's one thread and never fires statement_timeout; the endpoint refuses it.
  it.skipIf(onPglite)('statement_timeout stops pg_sleep(60)', async () => {
    const started = Date.now();
    await expect(q(a, 'select pg_sleep(60)', [], { timeoutMs: 300 })).rejects.toMatchObject({ cause: { code: '57014' } });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('jsonb ? operators, parameters, duplicate column names and types come back as JSON', async () => {
    const r = await q(
      a,
      `select count(*) filter (where properties ? 'amount') as n, 1 as x, 2 as x, now() as t, '\\x0102'::bytea as b from objects`,
    );
    expect(r.columns).toEqual(['n', 'x', 'x_2', 't', 'b']);
    expect(r.rows[0]).toMatchObject({ n: 3, x: 1, x_2: 2, b: '\\x0102' });
    expect(r.rows[0].t).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});

describe('nothing stays behind', () => {
  it('the role, tenant, read-only and timeout end with the savepoint; the transaction goes on', async () => {
    const state = (db: Knex) =>
      db.raw(
        `select current_user as u, coalesce(current_setting('loopgen.tenant', true), '') as t,
                current_setting('transaction_read_only') as ro, current_setting('statement_timeout') as st`,
      );
    await svc.db
      .transaction(async (trx: Knex.Transaction) => {
        const before = (await state(trx)).rows[0];
        await runReadOnlyQuery(trx, { tenantId: a.tenantId, schema, sql: 'select 1', params: [], rowCap: 1, timeoutMs: 1000 });
        await expect(
          runReadOnlyQuery(trx, { tenantId: a.tenantId, schema, sql: 'select 1/0', params: [], rowCap: 1, timeoutMs: 1000 }),
        ).rejects.toBeInstanceOf(ReaderQueryError);
        expect((await state(trx)).rows[0]).toEqual(before);
        expect(before.u).not.toBe(READER_ROLE);
        await trx.raw(`update "${schema}".pf_objects set updated_at = updated_at where id = ?`, [a.objectIds[0]]);
        await trx.rollback();
      })
      .catch(() => undefined);
    // Pooled connections afterwards are the server's own.
    for (let i = 0; i < 5; i++) expect((await state(svc.db)).rows[0].u).not.toBe(READER_ROLE);
  });

  it('asTenantReader hands one statement at a time (no ; lists) to the reader connection', async () => {
    await expect(
      asTenantReader(svc.db, { tenantId: a.tenantId, schema, timeoutMs: 1000 }, (run) => run('select 1; select 2', [])),
    ).rejects.toMatchObject({
      cause: { code: '42601' },
    });
  });
});

describe('setup', () => {
  it('the readiness check notices a grant that would break the guard', async () => {
    expect(await readinessProblems(svc.db, schema)).toEqual([]);
    await svc.db.raw(`GRANT INSERT ON "${sqlSchemaOf(schema)}".objects TO ${READER_ROLE}`);
    await svc.db.raw(`GRANT EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) TO PUBLIC`);
    await svc.db.raw(`CREATE TABLE public.sql_test_open (a int)`);
    await svc.db.raw(`GRANT SELECT ON public.sql_test_open TO PUBLIC`);
    await svc.db.raw(`CREATE FUNCTION public.sql_test_definer() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'select 1'`);
    try {
      const problems = await readinessProblems(svc.db, schema);
      expect(problems).toContain(`${READER_ROLE} may write "${sqlSchemaOf(schema)}".objects`.replace(/"(\w+)"/g, '$1'));
      expect(problems).toContain(`${READER_ROLE} may execute set_config(text,text,boolean)`);
      expect(problems).toContain(`${READER_ROLE} may reach public.sql_test_open`);
      expect(problems).toContain(`${READER_ROLE} may reach sql_test_definer()`);
    } finally {
      await svc.db.raw(`REVOKE INSERT ON "${sqlSchemaOf(schema)}".objects FROM ${READER_ROLE}`);
      await svc.db.raw(`REVOKE EXECUTE ON FUNCTION pg_catalog.set_config(text, text, boolean) FROM PUBLIC`);
      await svc.db.raw(`DROP TABLE public.sql_test_open`);
      await svc.db.raw(`DROP FUNCTION public.sql_test_definer()`);
    }
    expect(await readinessProblems(svc.db, schema)).toEqual([]);
  });

  it.skipIf(onPglite)('two processes setting up at once both end ready; a re-run is harmless', async () => {
    const url = (svc.db.client as { config: { connection: string } }).config.connection;
    const others = await Promise.all([
      openDatabase({ service: 'platform', url, schema }),
      openDatabase({ service: 'platform', url, schema }),
    ]);
    try {
      await svc.db.raw(`COMMENT ON SCHEMA "${sqlSchemaOf(schema)}" IS NULL`);
      expect(await Promise.all(others.map((db) => ensureSqlReader(db, schema)))).toEqual([{ ok: true }, { ok: true }]);
      expect((await q(a, 'select count(*)::int as n from objects')).rows[0].n).toBe(3);
    } finally {
      await Promise.all(others.map(closeDatabase));
    }
  });
});
