/** The parser's half of the guard (runtime/platform/sql/statement-check.ts), as a function. */
import { describe, expect, it } from 'vitest';
import { checkSelect } from '../../../runtime/platform/sql/statement-check.ts';

describe('checkSelect', () => {
  it('accepts one SELECT in its forms and hands back the statement alone', async () => {
    const cases: [string, string][] = [
      ['select 1', 'select 1'],
      ['  select 1 ;  -- done\n', 'select 1'],
      ['/* lead */ select \'é\' as "ü", $1 as p;', 'select \'é\' as "ü", $1 as p'],
      ['with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select * from r', ''],
      ['values (1), (2)', ''],
      ['table objects', ''],
      ['select * from (select 1) s union select 2 order by 1 limit 5', ''],
    ];
    for (const [sql, statement] of cases) {
      const r = await checkSelect(sql);
      expect(r, sql).toMatchObject({ ok: true });
      if (statement && r.ok) expect(r.statement).toBe(statement);
    }
  });

  it('refuses everything else with a reason', async () => {
    const cases: [string, RegExp][] = [
      ['insert into t values (1)', /this is INSERT/],
      ['merge into t using s on true when matched then delete', /this is MERGE/],
      ['explain analyze delete from t', /this is EXPLAIN/],
      ['do $$ begin end $$', /this is DO/],
      ['call p()', /this is CALL/],
      ['select 1; select 2', /2 statements/],
      ['with a as (insert into t values (1) returning *) select * from a', /data-modifying INSERT/],
      ['select * from (with a as (select 1) select * from a) s, lateral (select 1 for share) l', /FOR UPDATE \/ FOR SHARE/],
      ['select 1 into temp t', /SELECT … INTO/],
      ['', /no statement/],
    ];
    for (const [sql, reason] of cases) {
      const r = await checkSelect(sql);
      expect(r, sql).toMatchObject({ ok: false, code: 'sql_not_read_only' });
      if (!r.ok) expect(r.message, sql).toMatch(reason);
    }
    expect(await checkSelect('select from where')).toMatchObject({ ok: false, code: 'sql_syntax_error' });
  });
});
