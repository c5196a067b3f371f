/**
 * JSON Schema (the OpenAPI 3.1 dialect the generator writes) → fast-check arbitraries of values the
 * schema accepts. Only the keywords the generated documents use are mapped; anything else falls back
 * to small JSON values. Sizes stay small so one case is one quick request.
 */
import fc from 'fast-check';
import { deref, type Doc, type Schema } from './operations.ts';

const dates = () => fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true });
const word = (max: number) => fc.stringMatching(new RegExp(`^[a-z]{1,${max}}$`));

/** Built once: making an arbitrary from a regular expression costs far more than drawing from it. */
const FORMATS: Record<string, fc.Arbitrary<string>> = {
  'date-time': dates().map((d) => d.toISOString()),
  date: dates().map((d) => d.toISOString().slice(0, 10)),
  time: fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${pad(h)}:${pad(m)}:00`),
  email: word(10).map((s) => `${s}@fuzz.example`),
  uri: word(12).map((s) => `https://example.com/${s}`),
  url: word(12).map((s) => `https://example.com/${s}`),
  uuid: fc.uuid(),
  ipv4: fc.ipV4(),
  decimal: fc.integer({ min: 0, max: 99_999 }).map((n) => (n / 100).toFixed(2)),
  binary: fc.constant('fuzz-bytes'),
};
const TEXT = fc.stringMatching(/^[A-Za-z0-9 ]{0,24}$/);
const KEY = word(8);
const patterns = new Map<string, fc.Arbitrary<string> | null>();

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function types(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type as string[];
  if (typeof s.type === 'string') return [s.type];
  if (s.properties || s.additionalProperties !== undefined) return ['object'];
  if (s.items) return ['array'];
  return [];
}

/** A value valid against `schema`; `depth` bounds recursion through self-referencing schemas. */
export function valid(doc: Doc, schema0: unknown, depth = 0): fc.Arbitrary<unknown> {
  const s = deref(doc, schema0) ?? {};
  if (depth > 6) return fc.constant(null);
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum) && s.enum.length) return fc.constantFrom(...(s.enum as unknown[]));
  const alts = (s.oneOf ?? s.anyOf) as unknown[] | undefined;
  if (alts?.length) return fc.oneof(...alts.map((a) => valid(doc, a, depth + 1)));
  if (Array.isArray(s.allOf)) return valid(doc, mergeAllOf(doc, s), depth + 1);
  const ts = types(s);
  if (ts.length === 0) return json();
  // A nullable field is null now and then, never most of the time: nulls prove little.
  const arbs = ts.map((t) => ({ weight: t === 'null' ? 1 : 4, arbitrary: ofType(doc, s, t, depth) }));
  return arbs.length === 1 ? arbs[0]!.arbitrary : fc.oneof(...arbs);
}

function ofType(doc: Doc, s: Schema, t: string, depth: number): fc.Arbitrary<unknown> {
  switch (t) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer': {
      const { min, max } = bounds(s, 0, 100_000);
      return fc.integer({ min: Math.ceil(min), max: Math.floor(max) });
    }
    case 'number': {
      const { min, max } = bounds(s, 0, 100_000);
      return fc.integer({ min: Math.ceil(min * 100), max: Math.floor(max * 100) }).map((n) => n / 100);
    }
    case 'string':
      return str(s);
    case 'array': {
      const min = Number(s.minItems ?? 0);
      const max = Math.min(Number(s.maxItems ?? min + 3), min + 3);
      const items = valid(doc, s.items ?? {}, depth + 1);
      return s.uniqueItems
        ? fc.uniqueArray(items, { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength: min, maxLength: max });
    }
    case 'object':
      return obj(doc, s, depth);
    default:
      return json();
  }
}

function bounds(s: Schema, lo: number, hi: number): { min: number; max: number } {
  let min = typeof s.minimum === 'number' ? s.minimum : typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : lo;
  let max =
    typeof s.maximum === 'number' ? s.maximum : typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : Math.max(hi, min + hi);
  if (max < min) [min, max] = [max, min];
  return { min, max };
}

function str(s: Schema): fc.Arbitrary<string> {
  const format = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
  if (format) return format;
  const minLength = Number(s.minLength ?? 1);
  const maxLength = Math.min(Number(s.maxLength ?? minLength + 24), minLength + 24);
  if (typeof s.pattern === 'string') {
    let arb = patterns.get(s.pattern);
    if (arb === undefined) {
      try {
        arb = fc.stringMatching(new RegExp(s.pattern, 'u'));
      } catch {
        arb = null; // a pattern JavaScript cannot compile: plain text below
      }
      patterns.set(s.pattern, arb);
    }
    if (arb) return arb.filter((v) => v.length >= minLength && v.length <= Number(s.maxLength ?? Infinity));
  }
  // Letters, digits and spaces: the positive cases test behaviour, not the character set.
  const pad = 'x'.repeat(minLength);
  return TEXT.map((v) => (v.trim() ? v : `${v}x`).slice(0, maxLength)).map((v) =>
    v.length >= minLength ? v : (v + pad).slice(0, minLength),
  );
}

function obj(doc: Doc, s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const props = (s.properties as Record<string, unknown> | undefined) ?? {};
  const required = new Set((s.required as string[] | undefined) ?? []);
  const keys = Object.keys(props).filter((k) => !isReadOnly(doc, props[k]));
  if (keys.length === 0) {
    if (s.additionalProperties === false) return fc.constant({});
    const value = typeof s.additionalProperties === 'object' ? valid(doc, s.additionalProperties, depth + 1) : json();
    return fc.dictionary(KEY, value, { maxKeys: 3 });
  }
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const k of keys) model[k] = valid(doc, props[k], depth + 1);
  return fc.record(model, { requiredKeys: keys.filter((k) => required.has(k)) }) as fc.Arbitrary<Record<string, unknown>>;
}

function isReadOnly(doc: Doc, p: unknown): boolean {
  return Boolean((deref(doc, p) as Schema | undefined)?.readOnly);
}

function mergeAllOf(doc: Doc, s: Schema): Schema {
  const out: Schema = { type: 'object', properties: {}, required: [] };
  for (const part of s.allOf as unknown[]) {
    const p = deref(doc, part);
    Object.assign(out.properties as Schema, p.properties ?? {});
    (out.required as string[]).push(...((p.required as string[] | undefined) ?? []));
  }
  return out;
}

const JSON_VALUE: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  KEY,
  fc.boolean(),
  fc.dictionary(KEY, word(6), { maxKeys: 2 }),
);

function json(): fc.Arbitrary<unknown> {
  return JSON_VALUE;
}

/** The properties of an object schema (after `$ref`), for the mutators. */
export function propertiesOf(doc: Doc, schema: unknown): { props: Record<string, Schema>; required: string[]; free: boolean } {
  const s = deref(doc, schema) ?? {};
  const props: Record<string, Schema> = {};
  for (const [k, v] of Object.entries((s.properties as Record<string, unknown> | undefined) ?? {})) props[k] = deref(doc, v) ?? {};
  return { props, required: (s.required as string[] | undefined) ?? [], free: s.additionalProperties !== false };
}
