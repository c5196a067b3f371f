/**
 * Property-based round trip of every data type (fast-check, fixed seed): a random valid value written
 * through the platform server comes back, on create and on read, as its type's canonical form, and
 * the canonical form is a fixed point (writing it again stores it unchanged). The canonical form is
 * also checked offline on many more values: check(canonical) is canonical.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { DATA_TYPES, PROPERTY_TYPES, type DataType } from '../../runtime/platform/objects/property-types.ts';
import { adminKey, client } from './helpers.ts';

const SEED = 20260611;
const ENUM = ['lead', 'customer', 'partner'];
let svc: TestService;
let call: ReturnType<typeof client>;
let typeId: string;
/** Ids of the right form offline; the server suite replaces them with records of its tenant. */
const refs = { obj: 'obj_0a1b2c', file: 'file_0a1b2c' };
let dir: string;
const before = process.env.LOOP_STORAGE_DIR;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const decimal = (whole: number, scale: number) =>
  fc
    .tuple(fc.constantFrom('', '-', '+'), digits(1, whole), fc.option(digits(1, scale), { nil: undefined }))
    .map(([s, w, f]) => `${s}${w}${f === undefined ? '' : `.${f}`}`);
/**
 * No NUL and no lone surrogates: the server refuses those in any string (issue 10's input guard).
 * JSON.stringify writes exactly those as escapes (paired surrogates stay characters).
 */
const clean = (v: unknown) => !/\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(JSON.stringify(v) ?? '');
const instant = fc.date({ min: new Date('0002-01-01T00:00:00Z'), max: new Date('9998-12-31T00:00:00Z'), noInvalidDate: true });

const VALUES: Record<DataType, () => fc.Arbitrary<unknown>> = {
  string: () => fc.string({ unit: 'grapheme', maxLength: 40 }).filter(clean),
  text: () => fc.string({ unit: 'grapheme', maxLength: 200 }).filter(clean),
  number: () => fc.double({ noNaN: true, noDefaultInfinity: true }),
  integer: () => fc.maxSafeInteger(),
  decimal: () => decimal(28, 10),
  currency: () => decimal(15, 4),
  percent: () => fc.double({ min: -1000, max: 1000, noNaN: true }),
  boolean: () => fc.boolean(),
  date: () => instant.map((d) => d.toISOString().slice(0, 10)),
  datetime: () =>
    fc.tuple(instant, fc.integer({ min: -(23 * 60 + 59), max: 23 * 60 + 59 })).map(([d, off]) => {
      const local = new Date(d.getTime() + off * 60_000).toISOString().slice(0, 23);
      const sign = off < 0 ? '-' : '+';
      return `${local}${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
    }),
  time: () =>
    fc.tuple(fc.nat(23), fc.nat(59), fc.option(fc.nat(59))).map(([h, m, s]) => `${pad(h)}:${pad(m)}${s === null ? '' : `:${pad(s)}`}`),
  email: () => fc.emailAddress().filter((e) => e.length <= 254),
  url: () => fc.webUrl({ withQueryParameters: true }),
  phone: () => fc.tuple(fc.integer({ min: 1, max: 9 }), digits(6, 14)).map(([a, b]) => `+${a}${b}`),
  uuid: () => fc.tuple(fc.uuid(), fc.boolean()).map(([u, up]) => (up ? u.toUpperCase() : u)),
  color: () => fc.oneof(fc.stringMatching(/^#[0-9a-fA-F]{6}$/), fc.stringMatching(/^#[0-9a-fA-F]{3}$/)),
  enum: () => fc.constantFrom(...ENUM),
  multi_enum: () => fc.array(fc.constantFrom(...ENUM), { maxLength: 5 }),
  reference: () => fc.constant(null).map(() => refs.obj),
  file: () => fc.constant(null).map(() => refs.file),
  geo_point: () => fc.record({ lat: fc.double({ min: -90, max: 90, noNaN: true }), lng: fc.double({ min: -180, max: 180, noNaN: true }) }),
  json: () => fc.jsonValue({ maxDepth: 3 }).filter((v) => clean(v) && !JSON.stringify(v).includes('__proto__')),
};

/** What the wire carries back: the canonical value through JSON (so -0 reads as 0). */
function canonical(t: DataType, v: unknown): unknown {
  const c = PROPERTY_TYPES[t].check(v, { enum_values: ENUM });
  if (!c.ok) throw new Error(`${t}: generated an invalid value ${JSON.stringify(v)}: ${c.error}`);
  return JSON.parse(JSON.stringify(c.value));
}

describe('canonical forms (offline)', () => {
  it.each(DATA_TYPES)('%s: every generated value is accepted and its canonical form is a fixed point', (t) => {
    fc.assert(
      fc.property(VALUES[t](), (v) => {
        const once = canonical(t, v);
        expect(canonical(t, once)).toEqual(once);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('round trip through the server', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prop-roundtrip-'));
    process.env.LOOP_STORAGE_DIR = dir;
    svc = await startTestService('platform');
    const key = await adminKey(svc, 'prop-roundtrip-co');
    call = client(svc, key);
    typeId = (await call('POST', 'object-types', { name: 'samples' })).body.data.id;
    for (const t of DATA_TYPES) {
      const r = await call('POST', `object-types/${typeId}/properties`, {
        name: `v_${t}`,
        data_type: t,
        ...(t.endsWith('enum') ? { enum_values: ENUM } : {}),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    refs.obj = (await call('POST', `objects/${typeId}`, { properties: {} })).body.data.id;
    const form = new FormData();
    form.set('file', new Blob(['x'], { type: 'text/plain' }), 'x.txt');
    const up = await fetch(svc.api + 'files/upload', { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
    refs.file = ((await up.json()) as any).data.id;
  }, 60_000);
  afterAll(async () => {
    await svc?.close();
    if (before === undefined) delete process.env.LOOP_STORAGE_DIR;
    else process.env.LOOP_STORAGE_DIR = before;
    await rm(dir, { recursive: true, force: true });
  });

  it.each(DATA_TYPES)('%s: written, read back and written again, the value is its canonical form', async (t) => {
    await fc.assert(
      fc.asyncProperty(VALUES[t](), async (v) => {
        const want = canonical(t, v);
        const created = await call('POST', `objects/${typeId}`, { properties: { [`v_${t}`]: v } });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect(created.body.data.properties[`v_${t}`]).toEqual(want);
        const id = created.body.data.id;
        expect((await call('GET', `objects/${typeId}/${id}`)).body.data.properties[`v_${t}`]).toEqual(want);
        const again = await call('PATCH', `objects/${typeId}/${id}`, { properties: { [`v_${t}`]: want } });
        expect(again.body.data.properties[`v_${t}`]).toEqual(want);
      }),
      { seed: SEED, numRuns: 8 },
    );
  });
});
