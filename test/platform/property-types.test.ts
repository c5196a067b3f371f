/**
 * The 22 property data types through the platform server (docs/platform-properties.md): each accepts
 * its good values and stores them in canonical form, refuses bad ones with a 400 naming the property,
 * and property definitions are checked (enum_values, default_value of the type, settings the type
 * supports).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let key: string;
let typeId: string;
let objectId: string;
let fileId: string;
let otherTenantObject: string;
let dir: string;
const before = process.env.LOOP_STORAGE_DIR;

/** [given, stored] pairs and refused values per data type; `$obj`/`$file` are filled in beforeAll. */
const CASES: Record<string, { good: [unknown, unknown][]; bad: unknown[] }> = {
  string: { good: [['Acme', 'Acme']], bad: [5, 'x'.repeat(501), { a: 1 }] },
  text: { good: [['a\nlong text', 'a\nlong text']], bad: [true, ['x']] },
  number: {
    good: [
      [1.5, 1.5],
      [-3, -3],
    ],
    bad: ['1', 'abc', true],
  },
  integer: { good: [[42, 42]], bad: [1.5, '3', 2 ** 53] },
  decimal: {
    good: [
      ['0012.50', '12.50'],
      [12.5, '12.5'],
      ['-0.00', '0.00'],
      ['12345678901234567890.0123456789', '12345678901234567890.0123456789'],
    ],
    bad: ['1e5', 'abc', '1.12345678901', 1e21, '12.'],
  },
  currency: {
    good: [
      ['19.99', '19.99'],
      [5, '5'],
    ],
    bad: ['1.23456', 'EUR 5', '1'.repeat(16)],
  },
  percent: { good: [[12.5, 12.5]], bad: ['12%', true] },
  boolean: { good: [[false, false]], bad: ['true', 1] },
  date: { good: [['2024-02-29', '2024-02-29']], bad: ['2023-02-29', '2024-13-01', '2024-1-1', 20240101, '0000-01-01'] },
  datetime: {
    good: [
      ['2026-01-15T12:00:00+02:00', '2026-01-15T10:00:00.000Z'],
      ['2026-01-15T12:00:00.5Z', '2026-01-15T12:00:00.500Z'],
    ],
    bad: ['2026-01-15T12:00:00', '2026-02-30T00:00:00Z', 'yesterday', '2026-01-15', '9999-12-31T23:00:00-05:00'],
  },
  time: {
    good: [
      ['09:30', '09:30:00'],
      ['23:59:59', '23:59:59'],
    ],
    bad: ['24:00', '9:30', '12:60', 930],
  },
  email: { good: [['a@b.co', 'a@b.co']], bad: ['nope', 'a@b', `${'x'.repeat(250)}@b.co`] },
  url: { good: [['https://example.com/x?y=1', 'https://example.com/x?y=1']], bad: ['example.com', 'not a url', 7] },
  phone: { good: [['+1 (555) 123-4567', '+15551234567']], bad: ['5551234567', '+0123456789', '+1 555'] },
  uuid: {
    good: [['6F9619FF-8B86-D011-B42D-00C04FC964FF', '6f9619ff-8b86-d011-b42d-00c04fc964ff']],
    bad: ['6f9619ff8b86d011b42d00c04fc964ff', 'xyz'],
  },
  color: {
    good: [
      ['#ABC', '#aabbcc'],
      ['#112233', '#112233'],
    ],
    bad: ['red', '#12345', '112233'],
  },
  enum: { good: [['lead', 'lead']], bad: ['other', 1] },
  multi_enum: {
    good: [
      [
        ['a', 'b', 'a'],
        ['a', 'b'],
      ],
      [[], []],
    ],
    bad: ['a', ['z'], [1]],
  },
  reference: { good: [['$obj', '$obj']], bad: ['obj_doesnotexist1', 'abc', 5, '$other'] },
  file: { good: [['$file', '$file']], bad: ['file_doesnotexist1', 'obj_abc', 5] },
  geo_point: {
    good: [
      [
        { lat: 52.52, lng: 13.405 },
        { lat: 52.52, lng: 13.405 },
      ],
    ],
    bad: [{ lat: 91, lng: 0 }, [52, 13], { lat: 1, lng: 2, alt: 3 }, { lat: '1', lng: 2 }],
  },
  json: { good: [[{ a: [1, { b: null }] }, { a: [1, { b: null }] }]], bad: [] },
};

const fill = (v: unknown): unknown => (v === '$obj' ? objectId : v === '$file' ? fileId : v === '$other' ? otherTenantObject : v);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'prop-types-'));
  process.env.LOOP_STORAGE_DIR = dir;
  svc = await startTestService('platform');
  key = await adminKey(svc, 'prop-types-co');
  call = client(svc, key);
  typeId = (await call('POST', 'object-types', { name: 'everything' })).body.data.id;
  for (const t of Object.keys(CASES)) {
    const p = await call('POST', `object-types/${typeId}/properties`, {
      name: `p_${t}`,
      data_type: t,
      ...(t.endsWith('enum') ? { enum_values: t === 'enum' ? ['lead', 'customer'] : ['a', 'b', 'c'] } : {}),
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    expect(p.body.data.data_type).toBe(t);
  }
  objectId = (await call('POST', `objects/${typeId}`, { properties: { p_string: 'target' } })).body.data.id;
  const form = new FormData();
  form.set('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
  const up = await fetch(svc.api + 'files/upload', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  fileId = ((await up.json()) as any).data.id;
  const other = client(svc, await adminKey(svc, 'prop-types-other-co'));
  const otherType = (await other('POST', 'object-types', { name: 'things' })).body.data.id;
  otherTenantObject = (await other('POST', `objects/${otherType}`, { properties: {} })).body.data.id;
}, 60_000);
afterAll(async () => {
  await svc?.close();
  if (before === undefined) delete process.env.LOOP_STORAGE_DIR;
  else process.env.LOOP_STORAGE_DIR = before;
  await rm(dir, { recursive: true, force: true });
});

describe('22 data types', () => {
  it('the catalogue, the document and the runtime name the same 22 types', async () => {
    const { DATA_TYPES } = await import('../../runtime/platform/objects/property-types.ts');
    expect(DATA_TYPES).toHaveLength(22);
    expect(Object.keys(CASES).sort()).toEqual([...DATA_TYPES].sort());
    const doc = JSON.parse(
      await (await import('node:fs/promises')).readFile(join(import.meta.dirname, '../../generated/platform/openapi.json'), 'utf8'),
    );
    const body = doc.paths['/object-types/{object_type_id}/properties'].post.requestBody.content['application/json'].schema;
    const schema = body.$ref ? doc.components.schemas[body.$ref.split('/').pop()] : body;
    expect([...schema.properties.data_type.enum].sort()).toEqual([...DATA_TYPES].sort());
  });

  for (const [t, c] of Object.entries(CASES)) {
    it(`${t}: good values are stored canonical, bad ones are a 400 naming the property`, async () => {
      for (const [given, stored] of c.good) {
        const r = await call('POST', `objects/${typeId}`, { properties: { [`p_${t}`]: fill(given) } });
        expect(r.status, `${t} ${JSON.stringify(given)} → ${JSON.stringify(r.body)}`).toBe(201);
        expect(r.body.data.properties[`p_${t}`]).toEqual(fill(stored));
        const back = await call('GET', `objects/${typeId}/${r.body.data.id}`);
        expect(back.body.data.properties[`p_${t}`]).toEqual(fill(stored));
      }
      for (const given of c.bad) {
        const r = await call('POST', `objects/${typeId}`, { properties: { [`p_${t}`]: fill(given) } });
        expect(r.status, `${t} accepted ${JSON.stringify(given)}`).toBe(400);
        expect(r.body.error.code).toBe('VALIDATION_ERROR');
        expect(Object.keys(r.body.error.fields)).toEqual([`properties.p_${t}`]);
      }
    });
  }

  it('PATCH validates too, and null clears a value of any type', async () => {
    const id = (await call('POST', `objects/${typeId}`, { properties: { p_date: '2024-01-01' } })).body.data.id;
    expect((await call('PATCH', `objects/${typeId}/${id}`, { properties: { p_date: '2024-02-30' } })).status).toBe(400);
    const cleared = await call('PATCH', `objects/${typeId}/${id}`, { properties: { p_date: null, p_geo_point: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.data.properties.p_date).toBeNull();
  });
});

describe('property definitions', () => {
  const create = (body: Record<string, unknown>) => call('POST', `object-types/${typeId}/properties`, body);

  it('refuses an unknown data type, enum types without values, defaults of another type', async () => {
    const unknown = await create({ name: 'x1', data_type: 'money' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toHaveProperty('data_type');
    expect((await create({ name: 'x2', data_type: 'multi_enum' })).body.error.fields).toHaveProperty('enum_values');
    expect((await create({ name: 'x3', data_type: 'enum', enum_values: ['a', 'a'] })).body.error.fields).toHaveProperty('enum_values');
    expect((await create({ name: 'x4', data_type: 'string', enum_values: ['a'] })).body.error.fields).toHaveProperty('enum_values');
    expect((await create({ name: 'x5', data_type: 'date', default_value: 'soon' })).body.error.fields).toHaveProperty('default_value');
    expect((await create({ name: 'x6', data_type: 'reference', default_value: objectId })).body.error.fields).toHaveProperty(
      'default_value',
    );
    expect((await call('GET', `object-types/${typeId}/properties`)).body.data.map((p: any) => p.name)).not.toContain('x1');
  });

  it('refuses settings the type cannot honour: indexed json, sortable text, unique geo points', async () => {
    expect((await create({ name: 'y1', data_type: 'json', is_indexed: true })).body.error.fields).toHaveProperty('is_indexed');
    expect((await create({ name: 'y2', data_type: 'text', is_sortable: true })).body.error.fields).toHaveProperty('is_sortable');
    expect((await create({ name: 'y3', data_type: 'geo_point', is_unique: true })).body.error.fields).toHaveProperty('is_unique');
    const p = await call('GET', `object-types/${typeId}/properties`);
    const json = p.body.data.find((x: any) => x.name === 'p_json');
    expect((await call('PATCH', `object-types/${typeId}/properties/${json.id}`, { is_sortable: true })).status).toBe(400);
  });

  it('a default is stored canonical and fills new objects', async () => {
    const p = await create({ name: 'colour', data_type: 'color', default_value: '#FFF' });
    expect(p.status).toBe(201);
    expect(p.body.data.default_value).toBe('#ffffff');
    const o = await call('POST', `objects/${typeId}`, { properties: {} });
    expect(o.body.data.properties.colour).toBe('#ffffff');
  });
});
