/**
 * Filtering, sorting and indexing objects by typed properties (docs/platform-properties.md): numbers
 * and decimals order numerically (9 < 10 < 100, not as text), date-times chronologically across
 * offsets, times and dates by time; filters compare the same way and refuse values of the wrong
 * type; `is_indexed`/`is_sortable`/`is_unique` create and drop partial expression indexes in the
 * property's own transaction, and PostgreSQL uses them for the same filters and sorts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { indexNames } from '../../runtime/platform/objects/property-sql.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let typeId: string;
const props: Record<string, string> = {};

const ROWS = [
  { label: 'a', n: 9, dec: '9.5', cur: '100.00', pct: -1, int: 9, d: '2024-12-31', dt: '2025-01-01T01:00:00+02:00', t: '09:05', ok: true },
  { label: 'b', n: 10, dec: '10', cur: '-5', pct: 50, int: 10, d: '2025-01-01', dt: '2024-12-31T23:30:00Z', t: '10:00:00', ok: false },
  {
    label: 'c',
    n: 100,
    dec: '100.25',
    cur: '20.5',
    pct: 7.5,
    int: 100,
    d: '2023-06-15',
    dt: '2025-06-01T00:00:00-07:00',
    t: '23:00',
    ok: true,
  },
  { label: 'd', n: -3, dec: '-3', cur: '0.0001', pct: 0, int: -3, d: '2025-01-02', dt: '2025-01-01T00:00:00Z', t: '00:00:01', ok: false },
];

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'prop-query-co'));
  typeId = (await call('POST', 'object-types', { name: 'measures' })).body.data.id;
  for (const [name, data_type, extra] of [
    ['label', 'string', {}],
    ['n', 'number', { is_indexed: true }],
    ['int', 'integer', {}],
    ['dec', 'decimal', { is_sortable: true }],
    ['cur', 'currency', {}],
    ['pct', 'percent', {}],
    ['d', 'date', {}],
    ['dt', 'datetime', { is_indexed: true }],
    ['t', 'time', {}],
    ['ok', 'boolean', {}],
    ['tags', 'multi_enum', { enum_values: ['red', 'green', 'blue'], is_indexed: true }],
    ['at', 'geo_point', { is_indexed: true }],
    ['tel', 'phone', {}],
  ] as const) {
    const r = await call('POST', `object-types/${typeId}/properties`, { name, data_type, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    props[name] = r.body.data.id;
  }
  const extra = [
    { tags: ['red'], at: { lat: 52.52, lng: 13.4 }, tel: '+49 30 1234567' },
    { tags: ['red', 'green'], at: { lat: 48.85, lng: 2.35 }, tel: '+33 1 2345 6789' },
    { tags: ['blue'], at: { lat: 40.71, lng: -74.0 }, tel: '+1 212 555 0100' },
    { tags: [], at: { lat: -33.87, lng: 151.21 }, tel: '+61 2 9876 5432' },
  ];
  const created = await call('POST', `objects/${typeId}/batch/create`, {
    objects: ROWS.map((r, i) => ({ properties: { ...r, ...extra[i] } })),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

async function search(body: Record<string, unknown>): Promise<string[]> {
  const r = await call('POST', `objects/${typeId}/search`, body);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.data.results.map((o: any) => o.properties.label);
}

describe('sorting', () => {
  it.each([
    ['n', ['d', 'a', 'b', 'c']],
    ['int', ['d', 'a', 'b', 'c']],
    ['dec', ['d', 'a', 'b', 'c']],
    ['cur', ['b', 'd', 'c', 'a']],
    ['pct', ['a', 'd', 'c', 'b']],
    ['d', ['c', 'a', 'b', 'd']],
    // 2025-01-01T01:00+02:00 is 2024-12-31T23:00Z: before b's 23:30Z.
    ['dt', ['a', 'b', 'd', 'c']],
    ['t', ['d', 'a', 'b', 'c']],
    ['ok', []],
    ['label', ['a', 'b', 'c', 'd']],
  ])('by %s ascending and descending', async (sort, asc) => {
    const [up, down] = [await search({ sort, order: 'asc' }), await search({ sort, order: 'desc' })];
    if (sort === 'ok') {
      // Two of each: false before true, ties in any order.
      expect([up.slice(0, 2).sort(), up.slice(2).sort()]).toEqual([
        ['b', 'd'],
        ['a', 'c'],
      ]);
      expect([down.slice(0, 2).sort(), down.slice(2).sort()]).toEqual([
        ['a', 'c'],
        ['b', 'd'],
      ]);
    } else {
      expect(up).toEqual(asc);
      expect(down).toEqual([...asc].reverse());
    }
  });

  it('GET list sorts the same way; lists and geo points do not sort', async () => {
    const r = await call('GET', `objects/${typeId}/list?sort=n&order=asc`);
    expect(r.body.data.results.map((o: any) => o.properties.label)).toEqual(['d', 'a', 'b', 'c']);
    for (const sort of ['tags', 'at']) {
      const bad = await call('POST', `objects/${typeId}/search`, { sort });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toHaveProperty('sort');
    }
  });
});

describe('filters', () => {
  const only = (property: string, operator: string, value: unknown) =>
    search({ filters: [{ property, operator, value }], sort: 'label', order: 'asc' });

  it('numbers and decimals compare numerically, with numbers or numeric strings', async () => {
    expect(await only('n', 'gt', 9)).toEqual(['b', 'c']);
    expect(await only('dec', 'gte', '10.0')).toEqual(['b', 'c']);
    expect(await only('cur', 'lt', 1)).toEqual(['b', 'd']);
    expect(await only('int', 'in', [9, '100'])).toEqual(['a', 'c']);
  });

  it('dates, date-times (across offsets, or by calendar day) and times compare chronologically', async () => {
    expect(await only('d', 'gte', '2025-01-01')).toEqual(['b', 'd']);
    expect(await only('dt', 'lt', '2025-01-01T00:00:00+00:00')).toEqual(['a', 'b']);
    expect(await only('dt', 'gte', '2025-01-01')).toEqual(['c', 'd']);
    expect(await only('dt', 'eq', '2025-01-01T01:00:00+02:00')).toEqual(['a']);
    expect(await only('t', 'lt', '09:30')).toEqual(['a', 'd']);
  });

  it('booleans, lists, geo boxes and canonical text', async () => {
    expect(await only('ok', 'eq', true)).toEqual(['a', 'c']);
    expect(await only('tags', 'contains', ['red'])).toEqual(['a', 'b']);
    expect(await only('tags', 'contains', ['red', 'green'])).toEqual(['b']);
    expect(await only('tags', 'in', ['green', 'blue'])).toEqual(['b', 'c']);
    expect(await only('at', 'within', { min_lat: 40, max_lat: 60, min_lng: -10, max_lng: 20 })).toEqual(['a', 'b']);
    expect(await only('tel', 'eq', '+1 (212) 555-0100')).toEqual(['c']);
    expect(await only('tags', 'is_null', false)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('a value of the wrong type or an operator the type lacks is a 400 naming the filter', async () => {
    for (const [filter, field] of [
      [{ property: 'n', operator: 'gt', value: 'many' }, 'filters.0.value'],
      [{ property: 'd', operator: 'lt', value: 'tomorrow' }, 'filters.0.value'],
      [{ property: 'ok', operator: 'eq', value: 'yes' }, 'filters.0.value'],
      [{ property: 'at', operator: 'within', value: { min_lat: 1 } }, 'filters.0.value'],
      [{ property: 'label', operator: 'within', value: {} }, 'filters.0.operator'],
      [{ property: 'tags', operator: 'gt', value: 'red' }, 'filters.0.operator'],
    ] as const) {
      const r = await call('POST', `objects/${typeId}/search`, { filters: [filter] });
      expect(r.status, JSON.stringify(filter)).toBe(400);
      expect(Object.keys(r.body.error.fields)).toEqual([field]);
    }
  });

  it('aggregates sum decimals exactly and take min/max of dates', async () => {
    const r = await call('POST', `objects/${typeId}/aggregate`, {
      aggregations: [
        { function: 'sum', property_id: 'dec', alias: 'total' },
        { function: 'min', property_id: props.d, alias: 'first' },
        { function: 'max', property_id: 'dt', alias: 'last' },
      ],
    });
    expect(r.body.data.results).toEqual([{ total: 116.75, first: '2023-06-15', last: '2025-06-01T07:00:00.000Z' }]);
    const bad = await call('POST', `objects/${typeId}/aggregate`, { aggregations: [{ function: 'sum', property_id: 'label' }] });
    expect(bad.status).toBe(400);
  });
});

describe('indexes', () => {
  const indexesOf = async (propertyId: string): Promise<string[]> => {
    const n = indexNames(propertyId);
    const rows = await svc.db('pg_indexes').whereIn('indexname', [n.lookup, n.unique]).select('indexname');
    return rows.map((r: { indexname: string }) => r.indexname).sort();
  };

  it('is_indexed, is_sortable and list/geo properties have their index; others none', async () => {
    for (const p of ['n', 'dec', 'dt', 'tags', 'at']) expect(await indexesOf(props[p]!), p).toEqual([indexNames(props[p]!).lookup]);
    expect(await indexesOf(props.label!)).toEqual([]);
    const defs = await svc
      .db('pg_indexes')
      .where({ indexname: indexNames(props.tags!).lookup })
      .first('indexdef');
    expect(defs.indexdef).toMatch(/USING gin/);
  });

  it('PostgreSQL uses the index for the filter and the sort the API runs', async () => {
    const plan = await svc.db.transaction(async (trx) => {
      await trx.raw('set local enable_seqscan = off');
      const { valueExpr } = await import('../../runtime/platform/objects/property-sql.ts');
      const expr = valueExpr('numeric', 'n');
      const r = await trx.raw(
        `explain select id from pf_objects where object_type_id = ? and deleted_at is null and ${expr} > ? order by ${expr}`,
        [typeId, 9],
      );
      return r.rows.map((x: Record<string, string>) => Object.values(x)[0]).join('\n');
    });
    expect(plan).toContain(indexNames(props.n!).lookup);
  });

  it('PATCH drops and creates the index with the flag; DELETE drops it; values stay, untyped', async () => {
    expect((await call('PATCH', `object-types/${typeId}/properties/${props.n}`, { is_indexed: false })).status).toBe(200);
    expect(await indexesOf(props.n!)).toEqual([]);
    expect((await call('PATCH', `object-types/${typeId}/properties/${props.cur}`, { is_sortable: true, is_unique: true })).status).toBe(
      200,
    );
    expect(await indexesOf(props.cur!)).toEqual([indexNames(props.cur!).lookup, indexNames(props.cur!).unique].sort());
    expect((await call('DELETE', `object-types/${typeId}/properties/${props.dt}`)).status).toBe(200);
    expect(await indexesOf(props.dt!)).toEqual([]);
    // The name is no longer a property: filtered untyped, as text.
    expect(await search({ filters: [{ property: 'dt', operator: 'eq', value: '2025-01-01T00:00:00.000Z' }] })).toEqual(['d']);
  });

  it('is_unique on values that repeat is a 409 and leaves neither flag nor index; a unique index refuses equal numbers', async () => {
    const pct = props.pct!;
    await call('POST', `objects/${typeId}`, { properties: { label: 'e', pct: 50 } });
    const r = await call('PATCH', `object-types/${typeId}/properties/${pct}`, { is_unique: true });
    expect(r.status).toBe(409);
    expect(await indexesOf(pct)).toEqual([]);
    const after = (await call('GET', `object-types/${typeId}/properties`)).body.data.find((p: any) => p.id === pct);
    expect(after.is_unique).toBe(false);
    // cur is unique now: 20.50 is the same amount as 20.5.
    const dup = await call('POST', `objects/${typeId}`, { properties: { label: 'f', cur: '20.50' } });
    expect(dup.status).toBe(400);
    expect(dup.body.error.fields).toHaveProperty('properties.cur');
  });

  it('deleting the object type (confirmed) drops its properties’ indexes', async () => {
    const t = (await call('POST', 'object-types', { name: 'short_lived' })).body.data.id;
    const p = (await call('POST', `object-types/${t}/properties`, { name: 'k', data_type: 'integer', is_unique: true })).body.data.id;
    expect(await indexesOf(p)).toEqual([indexNames(p).unique]);
    const refused = await call('DELETE', `object-types/${t}`);
    expect(refused.status).toBe(409);
    const token = refused.body.error.confirm_token ?? refused.body.error.details?.confirm_token;
    expect(token).toBeTruthy();
    expect((await call('DELETE', `object-types/${t}?force=true&confirm_token=${encodeURIComponent(token)}`)).status).toBe(200);
    expect(await indexesOf(p)).toEqual([]);
  });
});
