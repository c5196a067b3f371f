/**
 * The CRUD layer's pure parts, without a database: what PostgreSQL accepts as a date or date-time, how list
 * queries become SQL (filters, search, ordering — compiled by a real Knex query builder, read with toSQL()),
 * tenant and soft-delete scoping, path ids, and the wire ⇄ column codec. Quick enough for every mutant of
 * `npm run mutate -- crud`; test/runtime/crud-http.test.ts proves the same through a server and a database.
 */
import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import type { ResourceDescriptor } from '../../runtime/descriptor.ts';
import { isPgDate, isPgDateTime } from '../../runtime/crud/pg-temporal.ts';
import { applyFilters, applyOrdering, applySearch, orderingTerms } from '../../runtime/crud/list-query.ts';
import { companyOf, isAdmin, parseId, scoped } from '../../runtime/crud/scope.ts';
import { codecOf } from '../../runtime/crud/row-codec.ts';
import { parseBody } from '../../runtime/crud/rows.ts';
import { z } from 'zod';
import { expandPrefix, generatedColumns, randomCode, uniqueViolationColumns } from '../../runtime/crud/generated-values.ts';
import type { RequestContext } from '../../runtime/runtime-api.ts';
import { bookingResource, serviceResource } from './crud-fixture.ts';

const knex = knexFactory({ client: 'pg' });
const sql = (q: { toSQL(): { sql: string; bindings: readonly unknown[] } }) => {
  const s = q.toSQL();
  return { sql: s.sql, bindings: [...s.bindings] };
};
async function fieldErrors(fn: () => unknown): Promise<Record<string, string[]>> {
  try {
    fn();
  } catch (e) {
    return (e as { fields: Record<string, string[]> }).fields;
  }
  throw new Error('expected a 400');
}

describe('pg-temporal', () => {
  it('dates: four-digit years 1-9999, real calendar days, leap years', () => {
    for (const ok of ['2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31', '2023-01-31', '2023-04-30', '2023-12-31'])
      expect(isPgDate(ok), ok).toBe(true);
    for (const bad of [
      '1900-02-29',
      '2023-02-29',
      '2023-04-31',
      '0000-01-01',
      '2023-00-10',
      '2023-13-01',
      '2023-01-00',
      '2023-01-32',
      '2023-1-01',
      '12023-01-01',
      '2023-01-01T00:00:00Z',
      ' 2023-01-01',
      '',
    ])
      expect(isPgDate(bad), bad).toBe(false);
  });

  it('date-times: separators, seconds and fractions optional, hour/minute/second ranges', () => {
    for (const ok of [
      '2024-02-29',
      '2024-02-29T23:59',
      '2024-02-29t00:00:59',
      '2024-02-29 12:30:00.123456789',
      '2024-02-29T12:30:00Z',
      '2024-02-29T12:30:00z',
    ])
      expect(isPgDateTime(ok), ok).toBe(true);
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '2024-02-29T24:00:00Z',
      '2024-02-29T23:60:00Z',
      '2024-02-29T23:59:60Z',
      '2024-02-29T12',
      '2024-02-29T12:30:00.1234567890Z',
      '2024-02-29X12:30',
      'yesterday',
    ])
      expect(isPgDateTime(bad), bad).toBe(false);
  });

  it('offsets up to ±15:59, with or without a colon or minutes', () => {
    for (const ok of ['+15:59', '-15:59', '+1559', '+15', '-00:00', '+05:30', '+00:59'])
      expect(isPgDateTime(`2024-01-01T00:00:00${ok}`), ok).toBe(true);
    for (const bad of ['+16:00', '-16', '+15:60', '+05:60', '+16:01', '+20:00', '+1600', '+05:3', '+5'])
      expect(isPgDateTime(`2024-01-01T00:00:00${bad}`), bad).toBe(false);
  });
});

describe('list queries', () => {
  const d = serviceResource;
  const filtered = (query: Record<string, unknown>) => {
    const q = knex('svc');
    applyFilters(q, d, query as never);
    return sql(q);
  };

  it('exact, in, comparisons, icontains and isnull become the matching SQL', () => {
    expect(filtered({ category: 'hair' })).toEqual({ sql: 'select * from "svc" where "svc"."category" = ?', bindings: ['hair'] });
    expect(filtered({ category__in: ' hair, ,nails ' })).toEqual({
      sql: 'select * from "svc" where "svc"."category" in (?, ?)',
      bindings: ['hair', 'nails'],
    });
    expect(filtered({ duration_minutes__gte: '30' })).toEqual({
      sql: 'select * from "svc" where "svc"."duration_minutes" >= ?',
      bindings: [30],
    });
    expect(filtered({ duration_minutes__lt: '-5' })).toEqual({
      sql: 'select * from "svc" where "svc"."duration_minutes" < ?',
      bindings: [-5],
    });
    expect(filtered({ name__icontains: '50%_a\\b' })).toEqual({
      sql: 'select * from "svc" where "svc"."name" ilike ? escape ?',
      bindings: ['%50\\%\\_a\\\\b%', '\\'],
    });
    expect(filtered({ category__isnull: 'true' }).sql).toBe('select * from "svc" where "svc"."category" is null');
    expect(filtered({ category__isnull: 'no' }).sql).toBe('select * from "svc" where "svc"."category" is not null');
    // Unknown parameters are ignored; the last of repeated values counts; a non-string value is no filter.
    expect(filtered({ unknown: 'x', page: '2' }).sql).toBe('select * from "svc"');
    expect(filtered({ category: ['hair', 'spa'] }).bindings).toEqual(['spa']);
    expect(filtered({ category: { a: 1 } }).sql).toBe('select * from "svc"');
  });

  it('every comparison operator has its own SQL', () => {
    const ops = { gte: '>=', lte: '<=', gt: '>', lt: '<' } as const;
    for (const [op, symbol] of Object.entries(ops)) {
      const r: ResourceDescriptor = { ...d, filters: { f: { column: 'duration_minutes', op, type: 'integer' } } };
      const q = knex('svc');
      applyFilters(q, r, { f: '1' });
      expect(q.toSQL().sql).toBe(`select * from "svc" where "svc"."duration_minutes" ${symbol} ?`);
    }
    const weird: ResourceDescriptor = { ...d, filters: { f: { column: 'name', op: 'regex' as never, type: 'string' } } };
    return fieldErrors(() => applyFilters(knex('svc'), weird, { f: 'x' })).then((e) =>
      expect(e).toEqual({ f: ['Unsupported filter operator regex.'] }),
    );
  });

  it('values are checked by field type, 400 naming the parameter', async () => {
    const r = (type: string): ResourceDescriptor => ({ ...d, filters: { f: { column: 'c', op: 'exact', type } } });
    const value = (type: string, raw: string) => {
      const q = knex('t');
      applyFilters(q, r(type), { f: raw });
      return q.toSQL().bindings[0];
    };
    expect(value('integer', '-123456789012345')).toBe(-123456789012345);
    expect(await fieldErrors(() => value('integer', '1234567890123456'))).toEqual({ f: ['Enter a whole number.'] });
    expect(await fieldErrors(() => value('integer', '1.5'))).toEqual({ f: ['Enter a whole number.'] });
    expect(value('decimal', '-12.50')).toBe('-12.50');
    expect(value('decimal', '12')).toBe('12');
    expect(await fieldErrors(() => value('decimal', '1e5'))).toEqual({ f: ['Enter a number.'] });
    expect(await fieldErrors(() => value('decimal', '1.'))).toEqual({ f: ['Enter a number.'] });
    for (const t of ['true', 'TRUE', '1', 'yes', 'Yes']) expect(value('boolean', t)).toBe(true);
    for (const f of ['false', 'False', '0', 'no', 'NO']) expect(value('boolean', f)).toBe(false);
    expect(await fieldErrors(() => value('boolean', 'maybe'))).toEqual({ f: ['Enter true or false.'] });
    expect(value('date', '2024-02-29')).toBe('2024-02-29');
    expect(await fieldErrors(() => value('date', '2023-02-29'))).toEqual({ f: ['Enter a date as YYYY-MM-DD.'] });
    expect(value('datetime', '2024-01-01T00:00:00+15:59')).toBe('2024-01-01T00:00:00+15:59');
    expect(await fieldErrors(() => value('datetime', '2024-01-01T00:00:00+20:00'))).toEqual({
      f: ['Enter an ISO 8601 date/time (years 0001-9999, offset within ±15:59).'],
    });
    expect(value('uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11')).toBe('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11');
    expect(await fieldErrors(() => value('uuid', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1'))).toEqual({ f: ['Enter a valid UUID.'] });
    expect(await fieldErrors(() => value('uuid', 'x-a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'))).toEqual({ f: ['Enter a valid UUID.'] });
    expect(value('string', 'anything at all')).toBe('anything at all');
    // In lists every item is checked; an empty list is refused.
    const list: ResourceDescriptor = { ...d, filters: { f: { column: 'c', op: 'in', type: 'integer' } } };
    expect(await fieldErrors(() => applyFilters(knex('t'), list, { f: '1,x' }))).toEqual({ f: ['Enter a whole number.'] });
    expect(await fieldErrors(() => applyFilters(knex('t'), list, { f: ' , ' }))).toEqual({
      f: ['Enter a comma-separated list of values.'],
    });
    expect(await fieldErrors(() => applyFilters(knex('t'), list, { f: '' }))).toEqual({ f: ['Enter a comma-separated list of values.'] });
    const isnull: ResourceDescriptor = { ...d, filters: { f: { column: 'c', op: 'isnull', type: 'integer' } } };
    expect(await fieldErrors(() => applyFilters(knex('t'), isnull, { f: 'x' }))).toEqual({ f: ['Enter true or false.'] });
  });

  it('search: every search column, escaped, trimmed; nothing without a term or columns', () => {
    const search = (r: ResourceDescriptor, query: Record<string, unknown>) => {
      const q = knex('svc');
      applySearch(q, r, query as never);
      return sql(q);
    };
    const two: ResourceDescriptor = { ...d, searchColumns: ['name', 'category'] };
    expect(search(two, { search: '  a%b ' })).toEqual({
      sql: 'select * from "svc" where ("svc"."name"::text ilike ? escape ? or "svc"."category"::text ilike ? escape ?)',
      bindings: ['%a\\%b%', '\\', '%a\\%b%', '\\'],
    });
    expect(search(two, { search: '   ' }).sql).toBe('select * from "svc"');
    expect(search(two, {}).sql).toBe('select * from "svc"');
    expect(search({ ...d, searchColumns: [] }, { search: 'x' }).sql).toBe('select * from "svc"');
  });

  it('ordering: requested fields (descending with -), else the default; always ends with id', async () => {
    expect(orderingTerms(d, { ordering: 'name, -duration_minutes,,' })).toEqual([
      { column: 'name', desc: false },
      { column: 'duration_minutes', desc: true },
      { column: 'id', desc: false },
    ]);
    expect(orderingTerms(d, {})).toEqual([
      { column: 'name', desc: false },
      { column: 'created_at', desc: true },
      { column: 'id', desc: false },
    ]);
    expect(orderingTerms(d, { ordering: '  ' })).toEqual(orderingTerms(d, {}));
    expect(orderingTerms(d, { ordering: '-id' })).toEqual([{ column: 'id', desc: true }]);
    expect(orderingTerms({ ...d, defaultOrdering: ['id'] }, {})).toEqual([{ column: 'id', desc: false }]);
    expect(await fieldErrors(() => orderingTerms(d, { ordering: 'price' }))).toEqual({
      ordering: ['Cannot order by "price". Choices are: created_at, duration_minutes, id, name.'],
    });
    expect(await fieldErrors(() => orderingTerms(d, { ordering: 'constructor' }))).toEqual({
      ordering: ['Cannot order by "constructor". Choices are: created_at, duration_minutes, id, name.'],
    });
    expect(await fieldErrors(() => orderingTerms({ ...d, orderable: {} }, { ordering: 'x' }))).toEqual({
      ordering: ['Cannot order by "x". Choices are: none.'],
    });
    const q = knex('svc');
    applyOrdering(q, d, { ordering: '-name' });
    expect(q.toSQL().sql).toBe('select * from "svc" order by "svc"."name" desc, "svc"."id" asc');
  });
});

describe('scope', () => {
  const ctx = (o: Partial<RequestContext> = {}): RequestContext =>
    ({
      principal: { userId: 1, email: 'a@b.c', isSuperuser: false, via: 'jwt' },
      tenant: { companyId: 7, companyCode: '007', role: 'staff', permissions: new Set() },
      ...o,
    }) as RequestContext;

  it('company of the request for tenant resources, none for global ones, 403 without a tenant', async () => {
    expect(companyOf(serviceResource, ctx())).toBe(7);
    expect(companyOf({ ...serviceResource, scope: 'global' }, ctx({ tenant: null }))).toBeNull();
    try {
      companyOf(serviceResource, ctx({ tenant: null }));
      throw new Error('expected a 403');
    } catch (e) {
      expect(e).toMatchObject({ status: 403, code: 'tenant_required', message: 'No company selected for this request.' });
    }
  });

  it('owners, admins and superusers are admins', () => {
    const role = (r: string) => ctx({ tenant: { companyId: 7, companyCode: '007', role: r, permissions: new Set() } });
    expect(isAdmin(role('owner'))).toBe(true);
    expect(isAdmin(role('admin'))).toBe(true);
    expect(isAdmin(role('staff'))).toBe(false);
    expect(isAdmin(ctx({ tenant: null }))).toBe(false);
    expect(isAdmin(ctx({ tenant: null, principal: { userId: 1, email: '', isSuperuser: true, via: 'jwt' } }))).toBe(true);
    expect(isAdmin(ctx({ principal: null, tenant: null }))).toBe(false);
  });

  it('scoped: tenant filter, soft-delete visibility, tenant roots', () => {
    expect(sql(scoped(knex, serviceResource, ctx()))).toEqual({
      sql: 'select * from "svc" where "svc"."company_id" = ? and "svc"."deleted_at" is null',
      bindings: [7],
    });
    expect(sql(scoped(knex, serviceResource, ctx(), 'deleted')).sql).toBe(
      'select * from "svc" where "svc"."company_id" = ? and "svc"."deleted_at" is not null',
    );
    expect(sql(scoped(knex, serviceResource, ctx(), 'any')).sql).toBe('select * from "svc" where "svc"."company_id" = ?');
    expect(sql(scoped(knex, bookingResource, ctx(), 'deleted')).sql).toBe('select * from "bkg" where "bkg"."company_id" = ?');
    const root: ResourceDescriptor = { ...serviceResource, table: 'companies', scope: 'global', tenantRoot: true, softDelete: false };
    expect(sql(scoped(knex, root, ctx()))).toEqual({ sql: 'select * from "companies" where "companies"."id" = ?', bindings: [7] });
    expect(sql(scoped(knex, root, ctx({ tenant: null, reachableCompanyIds: [3, 4] })))).toEqual({
      sql: 'select * from "companies" where "companies"."id" in (?, ?)',
      bindings: [3, 4],
    });
    // Without an answer the tenant root matches nothing; superusers see every row.
    expect(sql(scoped(knex, root, ctx({ tenant: null })))).toEqual({ sql: 'select * from "companies" where 1 = ?', bindings: [0] });
    expect(sql(scoped(knex, root, ctx({ tenant: null, principal: null }))).bindings).toEqual([0]);
    expect(sql(scoped(knex, root, ctx({ tenant: null, principal: { userId: 1, email: '', isSuperuser: true, via: 'jwt' } }))).sql).toBe(
      'select * from "companies"',
    );
  });

  it('path ids: serial ids are 1-15 digits, prefixed ids at most 64 characters, else 404', () => {
    expect(parseId(serviceResource, '42')).toBe(42);
    expect(parseId(serviceResource, '123456789012345')).toBe(123456789012345);
    for (const bad of ['', undefined, '1234567890123456', '4a', '-1', ' 1'])
      expect(() => parseId(serviceResource, bad), String(bad)).toThrow(expect.objectContaining({ status: 404 }));
    expect(parseId(bookingResource, 'bkg_abc')).toBe('bkg_abc');
    expect(parseId(bookingResource, 'x'.repeat(64))).toBe('x'.repeat(64));
    expect(() => parseId(bookingResource, 'x'.repeat(65))).toThrow(expect.objectContaining({ status: 404 }));
    expect(() => parseId(bookingResource, '')).toThrow(expect.objectContaining({ status: 404 }));
  });
});

describe('row codec', () => {
  it('select lists columns (dates as text), aliased when asked', () => {
    const d = { ...bookingResource };
    const c = codecOf(d);
    expect(codecOf(d)).toBe(c);
    const list = c.select(knex).map((s) => (typeof s === 'string' ? s : s.toString()));
    expect(list).toEqual(['id', 'company_id', 'created_at', 'updated_at', 'service_id', 'starts_at', '"day"::text as "day"', 'meta']);
    const aliased = c.select(knex, 'b').map((s) => (typeof s === 'string' ? s : s.toString()));
    expect(aliased).toContain('b.service_id');
    expect(aliased).toContain('"b"."day"::text as "day"');
  });

  it('toWire: wire names, decimals as strings, ISO date-times, dates, numeric ids from strings', () => {
    // A fresh descriptor object: the codec is built (and cached) per descriptor, here inside this test.
    const svc = codecOf({ ...serviceResource });
    const created = new Date(Date.UTC(2031, 0, 2, 3, 4, 5, 6));
    expect(
      svc.toWire({
        id: '12',
        company_id: '3',
        workspace_id: null,
        created_at: created,
        updated_at: '2031-01-01T00:00:00Z',
        created_by: undefined,
        deleted_at: null,
        name: 'Cut',
        price: 12.5,
        duration_minutes: '1234567890123456',
        is_active: false,
        category: 'hair',
        secret: 'not selected',
      }),
    ).toEqual({
      id: 12,
      company: 3,
      workspace: null,
      created_at: '2031-01-02T03:04:05.006Z',
      updated_at: '2031-01-01T00:00:00Z',
      created_by: null,
      deleted_at: null,
      name: 'Cut',
      price: '12.5',
      duration_minutes: '1234567890123456',
      is_active: false,
      category: 'hair',
    });
    expect(svc.toWire({ price: '7.00', company_id: 'co_1', id: '-4' })).toMatchObject({ price: '7.00', company: 'co_1', id: -4 });
    const bkg = codecOf({ ...bookingResource });
    expect(bkg.toWire({ day: new Date(Date.UTC(2031, 5, 7)), starts_at: 'x', service_id: 5, meta: { a: 1 } })).toMatchObject({
      day: '2031-06-07',
      starts_at: 'x',
      service: 5,
      meta: { a: 1 },
    });
    expect(bkg.toWire({ day: '2031-06-07' }).day).toBe('2031-06-07');
  });

  it('toColumns: only writable columns present in the input; JSON columns as JSON text', () => {
    const bkg = codecOf({ ...bookingResource });
    expect(bkg.toColumns({ service: 5, meta: [1, 2], day: '2031-01-01', id: 'x', other: 1 })).toEqual({ service_id: 5, meta: '[1,2]' });
    expect(bkg.toColumns({ meta: null })).toEqual({ meta: null });
    expect(bkg.toColumns({ meta: undefined })).toEqual({ meta: undefined });
    expect(bkg.toColumns(Object.create({ service: 5 }))).toEqual({});
    expect(bkg.writable.map((c) => c.name)).toEqual(['service', 'starts_at', 'meta']);
    expect(bkg.fieldOf('service_id')).toBe('service');
    expect(bkg.fieldOf('nope')).toBe('nope');
    expect(bkg.has('service_id')).toBe(true);
    expect(bkg.has('service')).toBe(false);
    expect(bkg.byName.get('service')?.column).toBe('service_id');
    expect(bkg.byColumn.get('service_id')?.name).toBe('service');
  });
});

describe('generated values, pure parts', () => {
  it('codes are Crockford base32 of the asked length', () => {
    expect(randomCode(0)).toBe('');
    const many = Array.from({ length: 50 }, () => randomCode(16)).join('');
    expect(many).toMatch(/^[0-9ABCDEFGHJKMNPQRSTVWXYZ]{800}$/);
    // Every letter of the alphabet shows up over enough draws (the mask keeps all 32).
    expect(new Set(Array.from({ length: 40 }, () => randomCode(64)).join('')).size).toBe(32);
  });

  it('{year} in a prefix is the UTC year, every occurrence', () => {
    expect(expandPrefix('INV-{year}-', new Date(Date.UTC(2030, 11, 31, 23, 59)))).toBe('INV-2030-');
    expect(expandPrefix('{year}/{year}-', new Date(Date.UTC(2031, 0, 1)))).toBe('2031/2031-');
    expect(expandPrefix('PLAIN-')).toBe('PLAIN-');
    expect(expandPrefix('Y{year}')).toBe(`Y${new Date().getUTCFullYear()}`);
  });

  it('generatedColumns lists the columns with a generate rule, once per descriptor', () => {
    const d: ResourceDescriptor = {
      ...serviceResource,
      columns: [...serviceResource.columns, { ...serviceResource.columns[7]!, name: 'code', column: 'code', generate: { kind: 'uuid' } }],
    };
    expect(generatedColumns(d).map((c) => c.column)).toEqual(['code']);
    expect(generatedColumns(d)).toBe(generatedColumns(d));
    expect(generatedColumns(serviceResource)).toEqual([]);
  });

  it('unique violations name their columns; other errors name none', () => {
    expect(uniqueViolationColumns({ code: '23505', detail: 'Key (company_id, "code")=(1, AB) already exists.' })).toEqual([
      'company_id',
      'code',
    ]);
    expect(uniqueViolationColumns({ code: '23505', detail: 'something else' })).toEqual([]);
    expect(uniqueViolationColumns({ code: '23505' })).toEqual([]);
    expect(uniqueViolationColumns({ code: '23503', detail: 'Key (x)=(1)' })).toBeNull();
    expect(uniqueViolationColumns(null)).toBeNull();
  });
});

describe('parseBody', () => {
  it('answers the parsed object; field errors, or a non-object, are 400s', async () => {
    expect(parseBody(z.object({ a: z.number() }), { a: 1 })).toEqual({ a: 1 });
    expect(parseBody(z.object({}).loose(), undefined)).toEqual({});
    expect(await fieldErrors(() => parseBody(z.unknown(), [1, 2]))).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
    expect(await fieldErrors(() => parseBody(z.unknown(), 'text'))).toEqual({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
    expect(parseBody(z.unknown(), null)).toEqual({}); // no body is an empty one
    expect(Object.keys(await fieldErrors(() => parseBody(z.object({ a: z.number() }), { a: 'x' })))).toEqual(['a']);
  });
});
