/**
 * The checks applied to every response: no server error, a documented status, a body that validates
 * against the documented schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it), no stack trace
 * in the server's log, no SQL or driver text in the body, and invalid input refused.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Case } from './cases.ts';
import type { WireResponse } from './http.ts';
import { documented, pointer as pointerOf, type Doc, type Operation } from './operations.ts';

export const CHECKS = ['server-error', 'undocumented-status', 'schema-mismatch', 'stack-trace', 'leak', 'accepted-invalid'] as const;
export type CheckKind = (typeof CHECKS)[number];

export interface Failure {
  readonly check: CheckKind;
  /** One line: what is wrong, e.g. `200 /data: must be null`. */
  readonly detail: string;
  /** For schema mismatches: the class (status, message, actual type) and what varies in it (path, property). */
  readonly key?: string;
  readonly hint?: string;
}

export interface Mismatch {
  readonly path: string;
  readonly message: string;
  readonly property: string;
  readonly got: string;
}

/**
 * One ajv instance per document. Each component schema is added under its own id (with its `$ref`s
 * rewritten to those ids), so ajv compiles it once however many responses use it; compiling
 * fragments of the whole document instead costs ~15 ms per response schema on the LOOP document.
 */
export class ResponseValidator {
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly base: string;

  constructor(private readonly doc: Doc) {
    this.base = `https://loopgen.invalid/${doc.service}/schemas/`;
    this.ajv = new Ajv2020({ strict: false, allErrors: false, validateSchema: false, logger: false });
    (addFormats as unknown as (a: Ajv2020) => void)(this.ajv);
    // Formats OpenAPI names that JSON Schema does not: accept any value of the right type.
    for (const f of ['int32', 'int64', 'float', 'double', 'decimal', 'binary', 'byte', 'password']) this.ajv.addFormat(f, true);
    const schemas = ((doc.raw.components as { schemas?: Record<string, object> } | undefined)?.schemas ?? {}) as Record<string, object>;
    for (const [name, schema] of Object.entries(schemas))
      this.ajv.addSchema({ ...(this.rewrite(schema) as object), $id: this.base + name });
  }

  private rewrite(v: unknown): unknown {
    if (Array.isArray(v)) return v.map((x) => this.rewrite(x));
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        k === '$ref' && typeof x === 'string' && x.startsWith('#/components/schemas/') ? this.base + x.slice(21) : this.rewrite(x),
      ]),
    );
  }

  validate(pointer: string, value: unknown): Mismatch | null {
    let fn = this.cache.get(pointer);
    if (!fn) {
      const schema = this.rewrite(pointerOf(this.doc.raw, pointer)) as { $ref?: string };
      fn = (schema.$ref && Object.keys(schema).length === 1 ? this.ajv.getSchema(schema.$ref) : undefined) ?? this.ajv.compile(schema);
      this.cache.set(pointer, fn);
    }
    if (fn(value)) return null;
    const e = fn.errors?.[0];
    if (!e) return { path: '/', message: 'invalid', property: '', got: '' };
    const property =
      e.keyword === 'additionalProperties'
        ? String(e.params.additionalProperty)
        : e.keyword === 'required'
          ? String(e.params.missingProperty)
          : '';
    const got = ['type', 'const', 'enum'].includes(e.keyword) ? typeName(at(value, e.instancePath)) : '';
    return { path: e.instancePath || '/', message: (e.message ?? e.keyword).replace(/'[^']*'/g, '…'), property, got };
  }
}

const STACK = /\n\s+at\s+\S.*:\d+:\d+\)?/;
/** The same inside a JSON log line (runtime/observability/logger.ts writes `"stack":"Error: …\\n    at …"`). */
const STACK_IN_JSON = /\\n\s+at\s+\S[^"\n]*:\d+:\d+\)?/;
const SQL =
  /\b(insert into|delete from|update "?\w+"? set|select .{1,200} from)\b|relation "|violates [a-z -]*constraint|syntax error at or near|invalid input syntax|node_modules\//i;

export function check(validator: ResponseValidator, op: Operation, c: Case, res: WireResponse, log: string): Failure[] {
  const out: Failure[] = [];
  const bodyCode = codeOf(res.text);
  // 501 and 503 are deliberate ("not configured", "not implemented"): judged by the documentation only.
  if (res.status >= 500 && res.status !== 501 && res.status !== 503)
    out.push({ check: 'server-error', detail: `${res.status} ${bodyCode}` });
  if (STACK.test(log) || STACK_IN_JSON.test(log) || STACK.test(res.text) || STACK_IN_JSON.test(res.text))
    out.push({ check: 'stack-trace', detail: firstLine(log || res.text) });
  if (SQL.test(res.text)) out.push({ check: 'leak', detail: `${res.status} ${res.text.slice(0, 160)}` });
  if (c.mustRefuse && res.status < 300) out.push({ check: 'accepted-invalid', detail: `${res.status} for ${c.kind}: ${c.note}` });
  if (c.kind === 'method-unknown') {
    if (res.status !== 405 && res.status !== 501)
      out.push({
        check: 'undocumented-status',
        detail: `${c.method} on a known path → ${res.status} ${bodyCode} (expected 405 with Allow)`,
      });
    return out;
  }
  if (res.status >= 500 && res.status !== 501 && res.status !== 503) return out;
  const doc = documented(op, res.status);
  if (!doc) {
    out.push({ check: 'undocumented-status', detail: `${res.status} ${bodyCode}` });
    return out;
  }
  const media = Object.keys(doc);
  if (media.length === 0 || res.status === 204) return out;
  const ct = String(res.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim();
  // A media range (`text/*`, `*/*`) documents every type it covers; the most specific key wins, as in OpenAPI.
  const pointer = doc[ct] ?? doc[`${ct.split('/')[0]}/*`] ?? doc['*/*'];
  if (pointer === undefined) {
    out.push({ check: 'schema-mismatch', detail: `${res.status} content-type ${ct || '(none)'} not documented (${media.join(', ')})` });
    return out;
  }
  // Only a JSON answer under its own JSON key has a schema to check (a range's schema is the binary download).
  if (pointer === null || !/json/.test(ct) || doc[ct] === undefined) return out;
  let value: unknown;
  try {
    value = JSON.parse(res.text);
  } catch {
    out.push({ check: 'schema-mismatch', detail: `${res.status} body is not JSON` });
    return out;
  }
  const m = validator.validate(pointer, value);
  if (m) {
    const got = m.got ? ` (got ${m.got})` : '';
    const hint = `${m.path.replace(/\/\d+(?=\/|$)/g, '/*')}${m.property ? ` ${m.property}` : ''}`;
    const detail = `${res.status} ${m.path} ${m.message}${m.property ? ` (${m.property})` : ''}${got}`;
    out.push({ check: 'schema-mismatch', detail, key: `${res.status} ${m.message}${got}`, hint: `${hint} after ${c.kind}` });
  }
  return out;
}

function at(value: unknown, path: string): unknown {
  let cur = value;
  for (const p of path.split('/').slice(1)) cur = (cur as Record<string, unknown> | null)?.[p.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' && Number.isInteger(v) ? 'integer' : typeof v;
}

/** The error code of a DRF / RoomLoop / platform error body, for grouping. */
export function codeOf(text: string): string {
  try {
    const b = JSON.parse(text) as { code?: unknown; error?: { code?: unknown } | unknown; detail?: unknown };
    const code = (b.error as { code?: unknown } | undefined)?.code ?? b.code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200);
}
