/**
 * Generated tests of a resource's list: the DRF page, every declared filter, search and every
 * orderable field. They use two records made one after the other (ResourceState.pair) and check
 * both that the right one is returned and that every row returned satisfies the query, so other
 * records of the table (parents made for other resources) cannot make them pass or fail by chance.
 */
import { expect } from 'vitest';
import { caseIt } from './known-issues.ts';
import type { FieldNode } from '../../../generator/ir/index.ts';
import { describeReply, type Reply } from './client.ts';
import { compareAsDb, expectPage, expectStatus, idsOf, listAll, queryValue, sameValue } from './checks.ts';
import type { ResourceState } from './resource-state.ts';

const visible = (f: FieldNode) => !f.writeOnly && f.type !== 'json' && f.type !== 'file';

async function rowsOf(s: ResourceState, query: Record<string, string>): Promise<{ rows: Record<string, unknown>[]; first: Reply }> {
  const out = await listAll(s.reader, s.r, query);
  expectStatus(out.first, 200);
  return out;
}

export function listTests(s: ResourceState): void {
  caseIt(s, 'list → DRF page {count, next, previous, results} containing the new record', async () => {
    const made = await s.main();
    const reply = await s.reader.get(`${s.r.path}/`, { page_size: 100 });
    expectPage(reply);
    expect(reply.body.count, describeReply(reply)).toBeGreaterThanOrEqual(1);
    const { rows } = await listAll(s.reader, s.r);
    expect(idsOf(rows), describeReply(reply)).toContain(String(made.id));
  });

  const filterable = s.r.fields.filter((f) => !f.system && f.filter.length > 0 && visible(f));
  for (const f of filterable) filterTest(s, f);

  const searchable = s.r.fields.filter((f) => f.search && !f.writeOnly);
  if (searchable.length) searchTest(s, searchable);

  const orderable = s.r.fields.filter((f) => f.orderable && visible(f) && (!f.system || f.name === 'id'));
  for (const f of orderable) orderingTest(s, f);
}

function filterTest(s: ResourceState, f: FieldNode): void {
  const ops = f.filter;
  const op = (['exact', 'in', 'gte', 'lte', 'gt', 'lt', 'icontains', 'isnull'] as const).find((o) => ops.includes(o))!;
  const param = op === 'exact' ? f.name : `${f.name}__${op}`;
  const title = `list ?${param}= → only matching records`;
  caseIt(s, title, async (ctx) => {
    const pair = await s.pair();
    // Probe with a record that has a value (a self-reference is set on the second record only).
    const [a, b] = pair[0].reply.body[f.name] == null ? [pair[1], pair[0]] : pair;
    const va = a.reply.body[f.name];
    const vb = b.reply.body[f.name];
    const empty = va === null || va === undefined;
    if (empty && op !== 'isnull') ctx.skip(`${f.name} is empty on both test records (read-only, set by the server only in workflows)`);
    const db = s.ctx.svc.db;
    // The bound and the predicate every returned row must satisfy, by operator.
    let value: string;
    let keep: (v: unknown) => Promise<boolean>;
    switch (op) {
      case 'exact':
      case 'in':
        value = queryValue(va);
        keep = async (v) => sameValue(f, va, v);
        break;
      case 'gte':
      case 'gt':
        value = queryValue(va);
        keep = async (v) => v !== null && (await compareAsDb(db, f, v, va)) >= (op === 'gt' ? 1 : 0);
        break;
      case 'lte':
      case 'lt':
        value = queryValue(va);
        keep = async (v) => v !== null && (await compareAsDb(db, f, v, va)) <= (op === 'lt' ? -1 : 0);
        break;
      case 'icontains':
        value = String(va).slice(1);
        keep = async (v) => v !== null && String(v).toLowerCase().includes(value.toLowerCase());
        break;
      case 'isnull':
        value = String(empty);
        keep = async (v) => (v === null || v === undefined) === empty;
        break;
    }
    const { rows, first } = await rowsOf(s, { [param]: value });
    const ids = idsOf(rows);
    const why = describeReply(first);
    expect(ids.includes(String(a.id)), `record ${a.id} (${f.name}=${JSON.stringify(va)}) in ${why}`).toBe(await keep(va));
    expect(ids.includes(String(b.id)), `record ${b.id} (${f.name}=${JSON.stringify(vb)}) in ${why}`).toBe(await keep(vb));
    for (const row of rows) expect(await keep(row[f.name]), `row ${row.id} ${f.name}=${JSON.stringify(row[f.name])} in ${why}`).toBe(true);
  });
}

function searchTest(s: ResourceState, fields: FieldNode[]): void {
  const names = fields.map((f) => f.name).join(', ');
  caseIt(s, `list ?search= over ${names} → only matching records`, async () => {
    const [a, b] = await s.pair();
    const textual =
      fields.find((f) => ['string', 'text', 'email', 'url'].includes(f.type) && a.reply.body[f.name]) ??
      fields.find((f) => a.reply.body[f.name] != null);
    expect(textual, `no searchable value on ${JSON.stringify(a.reply.body)}`).toBeDefined();
    const term = String(a.reply.body[textual!.name]).toUpperCase(); // search is case-insensitive
    const matches = (row: Record<string, unknown>) =>
      fields.some((f) => row[f.name] != null && String(row[f.name]).toUpperCase().includes(term));
    const { rows, first } = await rowsOf(s, { search: term });
    const ids = idsOf(rows);
    expect(ids, describeReply(first)).toContain(String(a.id));
    expect(ids.includes(String(b.id)), describeReply(first)).toBe(matches(b.reply.body));
    for (const row of rows) expect(matches(row), `row ${row.id} does not contain ${term}: ${describeReply(first)}`).toBe(true);
  });
}

function orderingTest(s: ResourceState, f: FieldNode): void {
  const title = `list ?ordering=${f.name} and -${f.name} → ordered`;
  caseIt(s, title, async () => {
    const [a, b] = await s.pair();
    const db = s.ctx.svc.db;
    for (const desc of [false, true]) {
      const { rows, first } = await rowsOf(s, { ordering: `${desc ? '-' : ''}${f.name}` });
      const why = describeReply(first);
      const ia = idsOf(rows).indexOf(String(a.id));
      const ib = idsOf(rows).indexOf(String(b.id));
      expect([ia >= 0, ib >= 0], `both records listed: ${why}`).toEqual([true, true]);
      // Every neighbouring pair is in order (nulls last ascending, first descending, as PostgreSQL does).
      for (let i = 1; i < rows.length; i++) {
        const c = await compareAsDb(db, f, rows[i - 1]![f.name], rows[i]![f.name]);
        expect(desc ? c >= 0 : c <= 0, `rows ${rows[i - 1]!.id} and ${rows[i]!.id} by ${desc ? '-' : ''}${f.name}: ${why}`).toBe(true);
      }
      const c = await compareAsDb(db, f, a.reply.body[f.name], b.reply.body[f.name]);
      if (c !== 0) expect(desc ? ia > ib === c < 0 : ia < ib === c < 0, `${a.id} vs ${b.id}: ${why}`).toBe(true);
    }
  });
}
