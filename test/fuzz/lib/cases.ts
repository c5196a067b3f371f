/**
 * Test cases of one operation: positive ones drawn from the request schemas, and negative ones that
 * take a valid request and break one thing (a wrong type, a missing field, an integer past int64, a
 * NUL byte, a date-time offset PostgreSQL cannot store, malformed JSON, an unknown method, …).
 * Everything is drawn from fast-check with a seed derived from the run's seed and the operation, so
 * the same seed gives the same cases in any order or subset of operations.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { propertiesOf, types, valid } from './arbitraries.ts';
import type { Doc, Operation, Param, Schema } from './operations.ts';

export const NEGATIVE_KINDS = [
  'body-wrong-type',
  'body-missing-required',
  'body-int-overflow',
  'body-long-string',
  'body-nul',
  'body-datetime-offset',
  'body-malformed-json',
  'body-not-object',
  'body-unknown-field',
  'multipart-no-part-headers',
  'query-wrong-type',
  'query-nul',
  'query-datetime-offset',
  'query-int-overflow',
  'query-unknown',
  'path-bad-id',
  'method-unknown',
] as const;
export type CaseKind = 'positive' | (typeof NEGATIVE_KINDS)[number];

/** Kinds whose 2xx answer means invalid input was accepted (the input breaks a documented constraint). */
const MUST_REFUSE = new Set<CaseKind>([
  'body-wrong-type',
  'body-missing-required',
  'body-malformed-json',
  'body-not-object',
  'body-long-string',
  'body-int-overflow',
]);

export interface Case {
  readonly op: Operation;
  readonly kind: CaseKind;
  readonly method: string;
  /** Path parameters that replace the real record ids the runner fills in. */
  readonly pathOverrides: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
  readonly body?: { readonly contentType: string; readonly raw: string | Uint8Array };
  readonly mustRefuse: boolean;
  /** What was broken, for the report (`expected_count = 9223372036854775808`). */
  readonly note: string;
}

export interface Budget {
  /** Positive cases per operation. */
  readonly positives: number;
  /** Cases per applicable negative kind. */
  readonly perKind: number;
  /**
   * The CI slice: only this many cases per operation, taken from the list [positive, …applicable negative
   * kinds] at a place drawn from the operation's seed (plus `rotate`), so operations try different kinds
   * and a subset of operations (`--only`) gets the same cases as the whole run.
   */
  readonly casesPerOp?: number;
  readonly rotate?: number;
}

export function opSeed(seed: number, op: Operation): number {
  return createHash('sha256').update(`${seed}:${op.service}:${op.key}`).digest().readUInt32BE(0) & 0x7fffffff;
}

function pick<T>(arb: fc.Arbitrary<T>, seed: number, n: number): T[] {
  return n > 0 ? fc.sample(arb, { seed, numRuns: n }) : [];
}

const INT_OVERFLOW = ['2147483648', '9223372036854775808', '-9223372036854775809', '1e300'];
const OFFSET_DATES = ['2020-01-01T00:00:00+20:00', '2020-01-01T00:00:00-23:59', '0000-01-01T00:00:00Z', '294277-01-01T00:00:00Z'];
const BAD_IDS = ['abc', '0', '-1', '99999999999999999999', '1.5', 'a\u0000b'];

export function applicableKinds(doc: Doc, op: Operation, firstOfPath: boolean): CaseKind[] {
  const q = op.params.filter((p) => p.in === 'query');
  const body = op.body ? propertiesOf(doc, op.body.schema) : undefined;
  const props = Object.values(body?.props ?? {});
  const json = op.body?.contentType === 'application/json';
  const has = (f: (s: Schema) => boolean) => props.some(f);
  const kinds: CaseKind[] = [];
  if (op.body) {
    if (props.some((p) => hasWrongType(p, op.body!.contentType))) kinds.push('body-wrong-type');
    if (body!.required.length && op.method !== 'PATCH') kinds.push('body-missing-required');
    if (has((s) => types(s).includes('integer'))) kinds.push('body-int-overflow');
    if (has(isText)) kinds.push('body-long-string');
    if (has(isText) || has((s) => types(s).includes('object'))) kinds.push('body-nul');
    if (has((s) => s.format === 'date-time')) kinds.push('body-datetime-offset');
    if (json) kinds.push('body-malformed-json', 'body-not-object', 'body-unknown-field');
    if (op.body.contentType === 'multipart/form-data') kinds.push('multipart-no-part-headers');
  }
  if (q.some((p) => ['integer', 'number', 'boolean'].some((t) => types(p.schema).includes(t)) || p.schema.enum || p.schema.format))
    kinds.push('query-wrong-type');
  if (q.some((p) => isText(p.schema))) kinds.push('query-nul');
  if (q.some((p) => p.schema.format === 'date-time')) kinds.push('query-datetime-offset');
  if (q.some((p) => types(p.schema).includes('integer'))) kinds.push('query-int-overflow');
  kinds.push('query-unknown');
  if (op.params.some((p) => p.in === 'path')) kinds.push('path-bad-id');
  if (firstOfPath) kinds.push('method-unknown');
  return kinds;
}

function isText(s: Schema): boolean {
  return types(s).includes('string') && !s.enum && !s.format && !s.pattern;
}

export function buildCases(doc: Doc, op: Operation, seed: number, budget: Budget, firstOfPath: boolean): Case[] {
  const s = opSeed(seed, op);
  const out: Case[] = [];
  const bodies = op.body ? pick(valid(doc, op.body.schema), s, Math.max(budget.positives, budget.perKind, 1)) : [];
  const queries = pick(queryArb(doc, op.params), s + 1, Math.max(budget.positives, 1));
  let kinds: CaseKind[] = applicableKinds(doc, op, firstOfPath);
  let positives = budget.positives;
  if (budget.casesPerOp !== undefined) {
    const all: CaseKind[] = ['positive', ...kinds];
    const start = (s + (budget.rotate ?? 0)) % all.length;
    const chosen = [...all.slice(start), ...all.slice(0, start)].slice(0, budget.casesPerOp);
    positives = chosen.includes('positive') ? 1 : 0;
    kinds = chosen.filter((k) => k !== 'positive');
  }
  for (let i = 0; i < positives; i++) {
    out.push(make(op, 'positive', { query: queries[i % queries.length], body: bodies[i % Math.max(bodies.length, 1)], note: '' }));
  }
  for (const kind of kinds) {
    const choices = pick(fc.nat(), s + hashKind(kind), budget.casesPerOp !== undefined ? 1 : budget.perKind);
    choices.forEach((choice, i) => {
      const made = negative(doc, op, kind, choice, bodies[i % Math.max(bodies.length, 1)], queries[0] ?? []);
      if (made) out.push(made);
    });
  }
  return out;
}

function hashKind(kind: string): number {
  return createHash('sha256').update(kind).digest().readUInt16BE(0);
}

function queryArb(doc: Doc, params: readonly Param[]): fc.Arbitrary<[string, string][]> {
  const q = params.filter((p) => p.in === 'query');
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of q) model[p.name] = valid(doc, p.schema);
  return fc.record(model, { requiredKeys: q.filter((p) => p.required).map((p) => p.name) }).map((r) =>
    Object.entries(r)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)] as [string, string]),
  );
}

interface Parts {
  readonly query?: readonly (readonly [string, string])[];
  readonly body?: unknown;
  readonly raw?: string | Uint8Array;
  readonly contentType?: string;
  readonly method?: string;
  readonly pathOverrides?: Record<string, string>;
  readonly note: string;
  /** Overrides the kind's default (MUST_REFUSE). */
  readonly mustRefuse?: boolean;
}

function make(op: Operation, kind: CaseKind, p: Parts): Case {
  let body: Case['body'];
  if (p.raw !== undefined) body = { contentType: p.contentType ?? 'application/json', raw: p.raw };
  else if (op.body && p.body !== undefined) body = encodeBody(op.body.contentType, p.body);
  else if (op.body?.required && kind !== 'method-unknown') body = encodeBody(op.body.contentType, {});
  return {
    op,
    kind,
    method: p.method ?? op.method,
    pathOverrides: p.pathOverrides ?? {},
    query: p.query ?? [],
    body,
    mustRefuse: p.mustRefuse ?? MUST_REFUSE.has(kind),
    note: p.note,
  };
}

function encodeBody(contentType: string, value: unknown): NonNullable<Case['body']> {
  if (contentType !== 'multipart/form-data') return { contentType, raw: JSON.stringify(value) };
  // Serialised later by the HTTP layer (FormData → bytes); marked here by a JSON text of the fields.
  return { contentType: 'multipart/form-data', raw: JSON.stringify(value ?? {}) };
}

/**
 * Whether a body property has a value of the wrong type: only typed properties (an untyped one, "any JSON
 * value", has none), and in a multipart body only non-text ones, since every part is text and any text
 * (`{"not":"a string"}` too) is a valid string.
 */
function hasWrongType(s: Schema, contentType: string): boolean {
  const t = types(s).filter((x) => x !== 'null');
  if (contentType === 'multipart/form-data')
    return t.length > 0 && !t.includes('string') && ['integer', 'number', 'boolean'].some((x) => t.includes(x));
  return t.length > 0;
}

function wrongValue(s: Schema): unknown {
  const t = types(s).filter((x) => x !== 'null');
  if (t.includes('string')) return { not: 'a string' };
  if (t.includes('integer') || t.includes('number')) return 'not-a-number';
  if (t.includes('boolean')) return 'maybe';
  if (t.includes('array')) return 'not-an-array';
  if (t.includes('object')) return 42;
  return [[]];
}

function negative(
  doc: Doc,
  op: Operation,
  kind: CaseKind,
  choice: number,
  base: unknown,
  baseQuery: readonly (readonly [string, string])[],
): Case | null {
  const info = op.body ? propertiesOf(doc, op.body.schema) : { props: {}, required: [], free: true };
  const body = { ...((base && typeof base === 'object' && !Array.isArray(base) ? base : {}) as Record<string, unknown>) };
  const choose = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[choice % xs.length] : undefined);
  const propWhere = (f: (s: Schema) => boolean) => choose(Object.keys(info.props).filter((k) => f(info.props[k]!)));
  const withProp = (k: string, v: unknown, note: string) => make(op, kind, { body: { ...body, [k]: v }, note });
  const qp = (f: (p: Param) => boolean) => choose(op.params.filter((p) => p.in === 'query' && f(p)));
  const withQuery = (name: string, value: string) =>
    make(op, kind, { query: [...baseQuery.filter(([k]) => k !== name), [name, value]], body, note: `?${name}=${JSON.stringify(value)}` });
  switch (kind) {
    case 'body-wrong-type': {
      const k = propWhere((p) => hasWrongType(p, op.body!.contentType))!;
      return withProp(k, wrongValue(info.props[k]!), `${k}: wrong type`);
    }
    case 'body-missing-required': {
      const k = choose(info.required)!;
      const { [k]: _gone, ...rest } = { ...body };
      return make(op, kind, { body: rest, note: `${k} missing` });
    }
    case 'body-int-overflow': {
      const k = propWhere((s) => types(s).includes('integer'))!;
      const v = choose(INT_OVERFLOW)!;
      const p = info.props[k]!;
      // Invalid by the document only past a declared bound; otherwise the answer must still be a clean 4xx or 2xx.
      const outside =
        (typeof p.maximum === 'number' && Number(v) > p.maximum) ||
        (typeof p.minimum === 'number' && Number(v) < p.minimum) ||
        v === '1e300';
      // A raw JSON number, so values past 2^53 reach the server as written.
      const raw = JSON.stringify({ ...body, [k]: 0 }).replace(`"${k}":0`, `"${k}":${v}`);
      return make(op, kind, { raw, contentType: op.body!.contentType, note: `${k} = ${v}`, mustRefuse: outside });
    }
    case 'body-long-string': {
      const k = propWhere(isText)!;
      const declared = info.props[k]!.maxLength;
      const n = typeof declared === 'number' ? declared + 1 : 100_001;
      return make(op, kind, {
        body: { ...body, [k]: 'x'.repeat(n) },
        note: `${k}: ${n} characters${typeof declared === 'number' ? ` (maxLength ${declared})` : ' (no maxLength)'}`,
        mustRefuse: typeof declared === 'number',
      });
    }
    case 'body-nul': {
      const k = propWhere(isText) ?? propWhere((s) => types(s).includes('object'))!;
      const v = isText(info.props[k]!) ? 'a\u0000b' : { k: '\u0000' };
      return withProp(k, v, `${k}: NUL byte`);
    }
    case 'body-datetime-offset': {
      const k = propWhere((s) => s.format === 'date-time')!;
      const v = choose(OFFSET_DATES)!;
      return withProp(k, v, `${k} = ${v}`);
    }
    case 'body-malformed-json':
      return make(op, kind, { raw: choose(['{"a":', '{bad json}', '{"a":1,}', '\u0000'])!, note: 'malformed JSON' });
    case 'body-not-object': {
      const raw = choose(['[]', '"text"', 'null', '12'])!;
      return make(op, kind, { raw, note: `body ${raw}` });
    }
    case 'body-unknown-field':
      return withProp('zz_fuzz_unknown', 1, 'unknown field zz_fuzz_unknown');
    case 'multipart-no-part-headers': {
      const b = 'fuzzboundary';
      return make(op, kind, {
        raw: `--${b}\r\n\r\nno headers here\r\n--${b}--\r\n`,
        contentType: `multipart/form-data; boundary=${b}`,
        note: 'multipart part without headers',
      });
    }
    case 'query-wrong-type': {
      const p = qp(
        (p) => ['integer', 'number', 'boolean'].some((t) => types(p.schema).includes(t)) || Boolean(p.schema.enum || p.schema.format),
      )!;
      return withQuery(p.name, 'zz-not-valid');
    }
    case 'query-nul':
      return withQuery(qp((p) => isText(p.schema))!.name, 'a\u0000b');
    case 'query-datetime-offset':
      return withQuery(qp((p) => p.schema.format === 'date-time')!.name, choose(OFFSET_DATES)!);
    case 'query-int-overflow':
      return withQuery(qp((p) => types(p.schema).includes('integer'))!.name, choose(INT_OVERFLOW)!);
    case 'query-unknown':
      return make(op, kind, { query: [...baseQuery, ['zz_fuzz', '1'], ['format', 'json']], body, note: 'unknown query parameters' });
    case 'path-bad-id': {
      const p = choose(op.params.filter((p) => p.in === 'path'))!;
      const v = choose(BAD_IDS)!;
      return make(op, kind, { body, pathOverrides: { [p.name]: v }, note: `{${p.name}} = ${JSON.stringify(v)}` });
    }
    case 'method-unknown':
      return make(op, kind, {
        method: choose(['TRACE', 'PROPFIND', 'LINK'])!,
        note: 'method not in the document',
        raw: undefined,
        body: undefined,
      });
    default:
      return null;
  }
}
