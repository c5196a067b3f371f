/**
 * POST /v1/sql through the generated server: the seed's body `{sql, params}` and answer
 * `{columns, rows, row_count, duration_ms}` (+ truncated, row_limit); every write form refused with a
 * 400 naming the reason (parser) on both databases; the database's own refusals as 4xx; PGlite answers
 * 409 SQL_NOT_CONFIGURED for a valid SELECT (statement_timeout cannot fire there).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { onPglite, sqlTenant, type SqlTenant } from './fixtures.ts';

let svc: TestService;
let a: SqlTenant;
let b: SqlTenant;

beforeAll(async () => {
  svc = await startTestService('platform');
  a = await sqlTenant(svc, 'a', 3);
  b = await sqlTenant(svc, 'b', 2);
}, 120_000);
afterAll(async () => {
  await svc?.close();
});
afterEach(() => {
  delete process.env.PLATFORM_SQL_MAX_ROWS;
  delete process.env.PLATFORM_SQL_TIMEOUT_MS;
});

const sql = (t: SqlTenant, text: unknown, params?: unknown) =>
  t.call('POST', 'sql', params === undefined ? { sql: text } : { sql: text, params });

describe('refusals before the database (both databases)', () => {
  it('anything but one SELECT is a 400 SQL_NOT_READ_ONLY with the reason', async () => {
    const cases: [string, RegExp][] = [
      ['insert into objects (id) values ($$x$$)', /this is INSERT/],
      ['update objects set version = 2', /this is UPDATE/],
      ['delete from objects', /this is DELETE/],
      ['drop table objects', /this is DROP/],
      ['create table t (a int)', /this is CREATE/],
      ['with x as (delete from objects returning id) select * from x', /data-modifying DELETE/],
      ['with x as (update objects set version = 1 returning id) select * from x', /data-modifying UPDATE/],
      ['select * into t from objects', /SELECT … INTO/],
      ['select * from objects for update', /FOR UPDATE/],
      ['select 1; delete from objects', /2 statements/],
      ['copy objects to stdout', /this is COPY/],
      ['set role postgres', /this is SET/],
      ['begin', /transaction command/],
      ['-- nothing', /no statement/],
    ];
    for (const [text, reason] of cases) {
      const r = await sql(a, text);
      expect(r.status, text).toBe(400);
      expect(r.body, text).toMatchObject({ success: false, error: { code: 'SQL_NOT_READ_ONLY' } });
      expect(r.body.error.message, text).toMatch(reason);
    }
  });

  it('syntax errors, a missing statement and bad params are 400s', async () => {
    const syntax = await sql(a, 'selec 1');
    expect(syntax.status).toBe(400);
    expect(syntax.body.error).toMatchObject({ code: 'SQL_SYNTAX_ERROR', message: expect.stringMatching(/at character 1/) });
    expect((await a.call('POST', 'sql', {})).status).toBe(400);
    expect((await sql(a, '   ')).status).toBe(400);
    expect((await sql(a, 'select $1', { x: 1 })).body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe.runIf(onPglite)('on PGlite', () => {
  it('a valid SELECT answers 409 SQL_NOT_CONFIGURED naming DATABASE_URL', async () => {
    const r = await sql(a, 'select 1');
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('SQL_NOT_CONFIGURED');
    expect(r.body.error.message).toMatch(/DATABASE_URL/);
  });
});

describe.skipIf(onPglite)('on PostgreSQL', () => {
  it("answers the seed's shape with the tenant's rows only", async () => {
    const r = await sql(
      a,
      "select properties->>'name' as name, (properties->>'amount')::int as amount from objects where id <> all($1) order by 1;",
      [b.objectIds],
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, request_id: expect.any(String) });
    expect(r.body.data).toMatchObject({
      columns: ['name', 'amount'],
      rows: [
        { name: 'a-1', amount: 11 },
        { name: 'a-2', amount: 20 },
        { name: 'a-3', amount: 30 },
      ],
      row_count: 3,
      duration_ms: expect.any(Number),
      truncated: false,
      row_limit: 1000,
    });
    const other = await sql(b, 'select count(*)::int as n from objects where id = any($1)', [a.objectIds]);
    expect(other.body.data.rows).toEqual([{ n: 0 }]);
  });

  it('reports the row cap', async () => {
    process.env.PLATFORM_SQL_MAX_ROWS = '2';
    const r = await sql(a, 'select id from objects');
    expect(r.body.data).toMatchObject({ row_count: 2, truncated: true, row_limit: 2 });
  });

  it('the database refuses what the parser lets through: other tenants, internal tables, files, the timeout', async () => {
    const denied = await sql(a, "select set_config('loopgen.tenant', $1, false)", [String(b.tenantId)]);
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('SQL_PERMISSION_DENIED');
    for (const text of ['select * from platform.pf_api_keys', "select pg_read_file('/etc/passwd')", "select lo_import('/etc/passwd')"])
      expect((await sql(a, text)).status, text).toBe(403);
    const missing = await sql(a, 'select * from pf_users');
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ code: 'SQL_ERROR', sqlstate: '42P01' });
    process.env.PLATFORM_SQL_TIMEOUT_MS = '300';
    const slow = await sql(a, 'select pg_sleep(60)');
    expect(slow.status).toBe(400);
    expect(slow.body.error.code).toBe('SQL_TIMEOUT');
    // The request's transaction goes on normally afterwards: the next call answers.
    expect((await sql(a, 'select 1 as one')).body.data.rows).toEqual([{ one: 1 }]);
  });
});
