/**
 * Rules for `generate:` (server-generated values, spec/README.md "Generated values") that the
 * meta-schema cannot express. The server fills the value on create, so the field must be read-only
 * (a client value would be silently replaced otherwise), a resource column, of a text type, with room
 * for the generated value; kind-specific keys must match the kind.
 */
import type { FieldSpec, GenerateSpecRaw } from './meta-schema.ts';
import type { Checker } from './checker.ts';
import type { YamlPath } from './yaml-source.ts';

const KIND_KEYS: Readonly<Record<string, readonly GenerateSpecRaw['kind'][]>> = {
  prefix: ['code', 'sequence'],
  length: ['code'],
  pad: ['sequence'],
  per: ['sequence'],
};
const TYPES: Readonly<Record<GenerateSpecRaw['kind'], readonly string[]>> = {
  code: ['string', 'text'],
  sequence: ['string', 'text'],
  uuid: ['uuid', 'string', 'text'],
};
/** `{year}` is the only placeholder a prefix may hold (sequences only). */
const PLACEHOLDER = /\{[^}]*\}/g;

export const DEFAULT_CODE_LENGTH = 8;
export const DEFAULT_SEQUENCE_PAD = 1;

/** Shortest value the generator produces: prefix (`{year}` = 4 digits) + the generated part. */
export function minGeneratedLength(g: GenerateSpecRaw): number {
  if (g.kind === 'uuid') return 36;
  const prefix = (g.prefix ?? '').replaceAll('{year}', '0000').length;
  return prefix + (g.kind === 'code' ? (g.length ?? DEFAULT_CODE_LENGTH) : (g.pad ?? DEFAULT_SEQUENCE_PAD));
}

/** `scope`: the resource's scope, or null when the field belongs to an action's request or query. */
export function checkGenerate(c: Checker, f: FieldSpec, path: YamlPath, scope: string | null): void {
  const g = f.generate!;
  const at = [...path, 'generate'];
  const bad = (where: YamlPath, part: 'key' | 'value', detail: string) =>
    c.report('invalid-value', where, part, { what: 'generate', detail });

  if (scope === null) {
    bad(at, 'key', 'only resource fields are generated on create, not action request or query fields');
    return;
  }
  if (f.read_only !== true) {
    bad(at, 'key', 'a generated field must also be read_only: true (the server sets it on create; clients cannot send it)');
  }
  if (f.default !== undefined) bad([...path, 'default'], 'key', 'a generated field takes no default');
  if (!TYPES[g.kind].includes(f.type)) {
    bad([...at, 'kind'], 'value', `kind ${g.kind} needs a ${TYPES[g.kind].join(' or ')} field, not ${f.type}`);
  }
  for (const [key, kinds] of Object.entries(KIND_KEYS)) {
    if (g[key as keyof GenerateSpecRaw] !== undefined && !kinds.includes(g.kind)) {
      bad([...at, key], 'key', `"${key}" applies only to kind ${kinds.join(' or ')}`);
    }
  }
  for (const p of g.prefix?.match(PLACEHOLDER) ?? []) {
    if (p !== '{year}' || g.kind !== 'sequence') {
      bad([...at, 'prefix'], 'value', `placeholder ${p} is not supported (sequences know {year})`);
    }
  }
  if (g.per === 'company' && scope === 'global') {
    bad([...at, 'per'], 'value', 'per: company needs a company or workspace resource');
  }
  const length = minGeneratedLength(g);
  if (f.max !== undefined && length > f.max) {
    bad(at, 'key', `generated values are at least ${length} characters long, more than max (${f.max})`);
  }
}
