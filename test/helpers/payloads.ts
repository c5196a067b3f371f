/**
 * Request payloads derived from the IR, for conformance tests of any catalogue resource.
 *
 * Valid values are drawn from one counter that only grows, so every value is new (unique and
 * unique_together constraints hold) and, for a given field, a record made later carries a larger
 * value (ordering tests compare two records made one after the other). References are left to the
 * caller (test/conformance/lib/records.ts creates parents through the API); here they are only named.
 *
 * Invalid payloads come in batches, one request per kind of mistake, each naming every field it
 * breaks: the API must report all field errors at once, as DRF does.
 */
import type { FieldNode, ResourceNode } from '../../generator/ir/index.ts';

const DAY = 86_400_000;
const BASE_TIME = Date.UTC(2030, 0, 1);
/** Integers without an upper bound stay well inside int4. */
const INT_SPAN = 1_000_000;

/** Fields a client sends on create: declared (not system) and not read-only. */
export function inputFields(r: ResourceNode): FieldNode[] {
  return r.fields.filter((f) => !f.system && !f.readOnly);
}

/** Fixed-width lowercase letters of `n`: same-width letter strings sort the same in any collation. */
export function letters(n: number, width = 7): string {
  let s = '';
  for (let i = 0; i < width; i++) {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26);
  }
  return s;
}

/** Letters of `n` as wide as the field allows (short fields keep the low-order letters, so values stay distinct). */
function fitLength(n: number, f: FieldNode): string {
  const width = Math.max(1, Math.min(7, f.max ?? 7));
  const s = letters(n, width);
  return f.min !== undefined && s.length < f.min ? s.padEnd(f.min, 'x') : s;
}

/** Lowest and highest whole values a numeric field accepts (bounds, and precision for decimals). */
export function numericRange(f: FieldNode): { lo: number; hi: number } {
  let lo = f.min !== undefined ? Math.ceil(f.min) : 0;
  let hi = f.max !== undefined ? Math.floor(f.max) : lo + INT_SPAN;
  if (f.type === 'decimal' && f.precision !== undefined) {
    const whole = 10 ** (f.precision - (f.scale ?? 0)) - 1;
    hi = Math.min(hi, whole);
    lo = Math.max(lo, -whole);
  }
  return { lo, hi: Math.max(lo, hi) };
}

/**
 * A valid scalar value for a field. `n` is a fresh counter value (larger = later); `variant`
 * picks among the few values of enums, booleans and times (0 for a first record, 1 for a second).
 * Refs are not handled here (they need a parent record).
 */
export function validValue(f: FieldNode, n: number, variant = 0): unknown {
  switch (f.type) {
    case 'string':
    case 'text':
      return fitLength(n, f);
    case 'integer':
    case 'decimal': {
      const { lo, hi } = numericRange(f);
      const v = lo + (n % (hi - lo + 1));
      return f.type === 'integer' ? v : v.toFixed(Math.min(f.scale ?? 2, 2));
    }
    case 'boolean':
      return variant % 2 === 1;
    case 'date':
      return new Date(BASE_TIME + n * DAY).toISOString().slice(0, 10);
    case 'datetime':
      return new Date(BASE_TIME + n * 60_000).toISOString();
    case 'time':
      return `${String(8 + (variant % 10)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00`;
    case 'email':
      return `${letters(n)}@example.test`;
    case 'url':
      return `https://example.test/${letters(n)}`;
    case 'file':
      return `https://files.example.test/${letters(n)}.pdf`;
    case 'uuid':
      return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    case 'json':
      // A list by default (tags, company codes) stays a list, left empty: its items have meaning.
      if (f.example !== undefined) return f.example;
      return Array.isArray(f.default) ? [] : { note: letters(n), n };
    case 'enum': {
      const values = f.enumValues ?? [];
      return values[variant % values.length];
    }
    case 'ref':
      throw new Error(`validValue: ${f.name} is a reference; create its parent first`);
  }
}

/** One invalid batch: the body to send and the fields the 400 must name. */
export interface InvalidCase {
  readonly kind: 'missing required' | 'wrong type' | 'below minimum' | 'above maximum' | 'bad enum' | 'unknown reference';
  readonly body: Record<string, unknown>;
  readonly fields: readonly string[];
}

/** A value of the wrong JSON type for the field; undefined when every JSON value is acceptable. */
export function wrongType(f: FieldNode): unknown {
  switch (f.type) {
    case 'integer':
    case 'ref':
      return 'not-a-number';
    case 'decimal':
      return 'twelve';
    case 'boolean':
      return 'maybe';
    case 'json':
      return undefined;
    case 'date':
    case 'datetime':
      return 'not-a-date';
    default:
      return 12345;
  }
}

function belowMin(f: FieldNode): unknown {
  if (f.min === undefined) return undefined;
  if (f.type === 'integer') return Math.ceil(f.min) - 1;
  if (f.type === 'decimal') return String(f.min - 1);
  if ((f.type === 'string' || f.type === 'text') && f.min > 0) return 'x'.repeat(f.min - 1);
  return undefined;
}

function aboveMax(f: FieldNode): unknown {
  if (f.type === 'integer' && f.max !== undefined) return Math.floor(f.max) + 1;
  if (f.type === 'decimal') {
    if (f.max !== undefined) return String(f.max + 1);
    // No bound: one more whole digit than the precision allows.
    if (f.precision !== undefined) return '9'.repeat(f.precision - (f.scale ?? 0) + 1);
  }
  if ((f.type === 'string' || f.type === 'text') && f.max !== undefined) return 'x'.repeat(f.max + 1);
  return undefined;
}

/**
 * Invalid create bodies for a resource, built from a valid body so each batch has exactly one
 * kind of mistake. `unknownRefId` is an id no record has (serial services: a huge number).
 */
export function invalidCases(
  r: ResourceNode,
  valid: Readonly<Record<string, unknown>>,
  unknownRefId: unknown = 2_000_000_000,
): InvalidCase[] {
  const fields = inputFields(r);
  const cases: InvalidCase[] = [];
  const batch = (kind: InvalidCase['kind'], value: (f: FieldNode) => unknown, only: (f: FieldNode) => boolean = () => true) => {
    const body: Record<string, unknown> = { ...valid };
    const named: string[] = [];
    for (const f of fields) {
      if (!only(f)) continue;
      const v = value(f);
      if (v === undefined) continue;
      body[f.name] = v;
      named.push(f.name);
    }
    if (named.length) cases.push({ kind, body, fields: named });
  };
  const required = fields.filter((f) => f.required).map((f) => f.name);
  if (required.length) {
    const body = { ...valid };
    for (const name of required) delete body[name];
    cases.push({ kind: 'missing required', body, fields: required });
  }
  batch('wrong type', wrongType);
  batch('below minimum', belowMin);
  batch('above maximum', aboveMax);
  batch(
    'bad enum',
    () => 'not_a_choice',
    (f) => f.type === 'enum',
  );
  batch(
    'unknown reference',
    () => unknownRefId,
    (f) => f.type === 'ref',
  );
  return cases;
}
