/**
 * Compares two JSON Schemas of one request or response position. The direction decides the verdict:
 * narrowing what a request accepts breaks callers, widening what a response returns may break readers
 * (oasdiff's request-/response- rule pairs). Findings are relative to the position (`field` is a path
 * like `results[].status`); openapi-diff.ts says where the position is.
 */
import type { Severity } from './change.ts';
import { resolve, type OpenApiDocument, type Schema } from './openapi-types.ts';

export type Direction = 'request' | 'response';

export interface SchemaFinding {
  readonly rule: string;
  readonly severity: Severity;
  /** Dotted path below the position, '' for the position itself. */
  readonly field: string;
  readonly detail: string;
  readonly addition?: boolean;
}

export class SchemaDiffer {
  private readonly memo = new Map<string, SchemaFinding[]>();

  constructor(
    private readonly base: OpenApiDocument,
    private readonly head: OpenApiDocument,
  ) {}

  /** `kind` names the thing in rule ids: `property` for bodies, `parameter` for parameters. */
  compare(a: Schema | undefined, b: Schema | undefined, dir: Direction, kind: 'property' | 'parameter' = 'property'): SchemaFinding[] {
    return this.walk(a, b, dir, kind, new Set());
  }

  private walk(a: Schema | undefined, b: Schema | undefined, dir: Direction, kind: string, stack: Set<string>): SchemaFinding[] {
    if (!a || !b) return [];
    const key = a.$ref || b.$ref ? `${dir}|${kind}|${a.$ref ?? ''}|${b.$ref ?? ''}` : null;
    if (key) {
      const hit = this.memo.get(key);
      if (hit) return hit;
      if (stack.has(key)) return []; // a recursive schema: its own level is compared where it started
      stack.add(key);
    }
    const out = this.compareResolved(resolve(this.base, a)!, resolve(this.head, b)!, dir, kind, stack);
    if (key) {
      stack.delete(key);
      this.memo.set(key, out);
    }
    return out;
  }

  private compareResolved(a0: Schema, b0: Schema, dir: Direction, kind: string, stack: Set<string>): SchemaFinding[] {
    const out: SchemaFinding[] = [];
    const [a, aNull] = unwrapNullable(this.base, a0);
    const [b, bNull] = unwrapNullable(this.head, b0);
    const rule = (what: string) => `${dir}-${kind}-${what}`;
    const push = (what: string, severity: Severity, detail: string, extra: Partial<SchemaFinding> = {}) =>
      out.push({ rule: rule(what), severity, field: '', detail, ...extra });

    const ta = typesOf(a);
    const tb = typesOf(b);
    if (ta !== tb && ta !== '' && tb !== '') {
      // integer → number only widens what a request accepts.
      const widening = dir === 'request' && ta === 'integer' && tb === 'number';
      push('type-changed', widening ? 'safe' : 'breaking', `type changed from ${ta} to ${tb}`);
      return out; // below a changed type every other difference is noise
    }
    if ((a.format ?? '') !== (b.format ?? ''))
      push('format-changed', 'breaking', `format changed from ${a.format ?? 'none'} to ${b.format ?? 'none'}`);
    if (aNull !== bNull) {
      if (dir === 'request')
        push(
          bNull ? 'became-nullable' : 'became-not-nullable',
          bNull ? 'safe' : 'breaking',
          bNull ? 'now accepts null' : 'no longer accepts null',
        );
      else
        push(
          bNull ? 'became-nullable' : 'became-not-nullable',
          bNull ? 'breaking' : 'safe',
          bNull ? 'may now be null' : 'is never null now',
        );
    }
    this.compareEnum(a, b, dir, push);
    this.compareBounds(a, b, dir, push);
    if (a.pattern !== b.pattern && b.pattern !== undefined) {
      push(
        a.pattern === undefined ? 'pattern-added' : 'pattern-changed',
        dir === 'request' ? 'potentially-breaking' : 'safe',
        a.pattern === undefined ? `must now match ${b.pattern}` : `pattern changed from ${a.pattern} to ${b.pattern}`,
      );
    }
    const da = a.default ?? a['x-default'];
    const db = b.default ?? b['x-default'];
    if (dir === 'request' && !sameValue(da, db) && (da !== undefined || db !== undefined)) {
      push('default-changed', 'potentially-breaking', `default changed from ${show(da)} to ${show(db)}`);
    }
    if (a.items || b.items) {
      for (const f of this.walk(a.items, b.items, dir, kind, stack)) out.push({ ...f, field: join('[]', f.field) });
    }
    if (a.properties || b.properties) this.compareProperties(a, b, dir, stack, out);
    const alts = (s: Schema) => (s.oneOf ?? s.anyOf ?? []).length;
    if (alts(a) !== alts(b)) {
      push('variants-changed', 'potentially-breaking', `number of alternative shapes changed from ${alts(a)} to ${alts(b)}`);
    }
    return out;
  }

  private compareProperties(a: Schema, b: Schema, dir: Direction, stack: Set<string>, out: SchemaFinding[]): void {
    const pa = a.properties ?? {};
    const pb = b.properties ?? {};
    const ra = new Set(a.required ?? []);
    const rb = new Set(b.required ?? []);
    // A server-set field is never sent; a write-only one never comes back.
    const hidden = (s: Schema | undefined) => {
      const r = resolve(dir === 'request' ? this.head : this.base, s);
      return dir === 'request' ? r?.readOnly === true : r?.writeOnly === true;
    };
    const prop = (what: string) => `${dir}-property-${what}`;
    const removed = Object.keys(pa).filter((n) => !(n in pb) && !hidden(pa[n]));
    const added = Object.keys(pb).filter((n) => !(n in pa) && !hidden(pb[n]));
    for (const name of removed) {
      const renamed = added.find((n) => typesOf(resolve(this.head, pb[n]) ?? {}) === typesOf(resolve(this.base, pa[name]) ?? {}));
      const hint = renamed && added.length === 1 && removed.length === 1 ? ` (renamed to \`${renamed}\`?)` : '';
      if (dir === 'response') out.push({ rule: prop('removed'), severity: 'breaking', field: name, detail: `removed${hint}` });
      else out.push({ rule: prop('removed'), severity: 'potentially-breaking', field: name, detail: `no longer accepted${hint}` });
    }
    for (const name of added) {
      if (dir === 'request' && rb.has(name))
        out.push({ rule: 'new-required-request-property', severity: 'breaking', field: name, detail: 'added as required' });
      else
        out.push({
          rule: prop('added'),
          severity: 'safe',
          field: name,
          detail: dir === 'request' ? 'added (optional)' : 'added',
          addition: true,
        });
    }
    for (const name of Object.keys(pb)) {
      if (!(name in pa)) continue;
      if (dir === 'request' && !hidden(pb[name])) {
        if (!ra.has(name) && rb.has(name))
          out.push({ rule: prop('became-required'), severity: 'breaking', field: name, detail: 'became required' });
        if (ra.has(name) && !rb.has(name))
          out.push({ rule: prop('became-optional'), severity: 'safe', field: name, detail: 'became optional' });
      }
      if (dir === 'response' && ra.has(name) && !rb.has(name)) {
        out.push({ rule: prop('became-optional'), severity: 'breaking', field: name, detail: 'may now be absent' });
      }
      if (hidden(pb[name]) && hidden(pa[name])) continue;
      for (const f of this.walk(pa[name], pb[name], dir, 'property', stack)) out.push({ ...f, field: join(name, f.field) });
    }
  }

  private compareEnum(
    a: Schema,
    b: Schema,
    dir: Direction,
    push: (w: string, s: Severity, d: string, e?: Partial<SchemaFinding>) => void,
  ): void {
    const ea = enumOf(a);
    const eb = enumOf(b);
    if (!ea && !eb) return;
    if (ea && !eb) {
      push('enum-removed', dir === 'request' ? 'safe' : 'potentially-breaking', 'is no longer limited to a list of values');
      return;
    }
    if (!ea && eb) {
      push('enum-added', dir === 'request' ? 'breaking' : 'safe', `is now limited to ${list(eb)}`);
      return;
    }
    const gone = ea!.filter((v) => !eb!.includes(v));
    const fresh = eb!.filter((v) => !ea!.includes(v));
    if (gone.length)
      push(
        'enum-value-removed',
        dir === 'request' ? 'breaking' : 'safe',
        `no longer ${dir === 'request' ? 'accepts' : 'returns'} ${list(gone)}`,
      );
    if (fresh.length) {
      if (dir === 'request') push('enum-value-added', 'safe', `now accepts ${list(fresh)}`, { addition: true });
      else push('enum-value-added', 'potentially-breaking', `may now return ${list(fresh)}`);
    }
  }

  private compareBounds(a: Schema, b: Schema, dir: Direction, push: (w: string, s: Severity, d: string) => void): void {
    for (const [key, label, lower] of BOUNDS) {
      const x = a[key] as number | undefined;
      const y = b[key] as number | undefined;
      if (x === y) continue;
      // Narrowing: a lower bound rises or appears, an upper bound falls or appears.
      const narrows = y !== undefined && (x === undefined || (lower ? y > x : y < x));
      const what = `${kebab(key)}-${x === undefined ? 'set' : y === undefined ? 'removed' : y > x ? 'increased' : 'decreased'}`;
      const severity: Severity = dir === 'request' ? (narrows ? 'breaking' : 'safe') : narrows ? 'safe' : 'potentially-breaking';
      push(what, severity, `${label} changed from ${x ?? 'none'} to ${y ?? 'none'}`);
    }
  }
}

const BOUNDS: readonly (readonly [keyof Schema, string, boolean])[] = [
  ['minimum', 'minimum', true],
  ['exclusiveMinimum', 'exclusive minimum', true],
  ['maximum', 'maximum', false],
  ['exclusiveMaximum', 'exclusive maximum', false],
  ['minLength', 'minimum length', true],
  ['maxLength', 'maximum length', false],
  ['minItems', 'minimum items', true],
  ['maxItems', 'maximum items', false],
];

/** `type: [string, null]`, `nullable: true` and `anyOf: [X, {type: null}]` all mean "X or null". */
function unwrapNullable(doc: OpenApiDocument, s: Schema): [Schema, boolean] {
  const alts = s.anyOf ?? s.oneOf;
  if (alts && alts.length === 2) {
    const nulls = alts.filter((x) => resolve(doc, x)?.type === 'null');
    if (nulls.length === 1)
      return [
        resolve(
          doc,
          alts.find((x) => resolve(doc, x)?.type !== 'null'),
        )!,
        true,
      ];
  }
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  return [s, s.nullable === true || types.includes('null') || (s.enum?.includes(null) ?? false)];
}

function typesOf(s: Schema): string {
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type as string] : [];
  return types
    .filter((t) => t !== 'null')
    .sort()
    .join('|');
}

function enumOf(s: Schema): string[] | null {
  if (s.enum) return s.enum.filter((v) => v !== null).map((v) => String(v));
  if (s.const !== undefined) return [String(s.const)];
  return null;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(v: unknown): string {
  return v === undefined ? 'none' : JSON.stringify(v);
}

function list(values: readonly string[]): string {
  return values.map((v) => `\`${v}\``).join(', ');
}

function join(a: string, b: string): string {
  if (!b) return a;
  return b.startsWith('[]') ? `${a}${b}` : `${a}.${b}`;
}

function kebab(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
