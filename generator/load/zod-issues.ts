/**
 * Turns zod issues into catalogue diagnostics positioned at the offending YAML token, with a
 * "did you mean" from the schema's own list of keys or enum values.
 */
import type { z } from 'zod';
import { diagnostic, didYouMean, type Diagnostic } from '../diagnostics.ts';
import type { YamlPath, YamlSource } from './yaml-source.ts';

type Issue = z.core.$ZodIssue;

/** What a value at a given key denotes, for messages like `unknown field type "strng"`. */
const VALUE_LABELS: Record<string, string> = {
  type: 'field type',
  style: 'style',
  id_style: 'id style',
  auth: 'auth scheme',
  scope: 'scope',
  method: 'method',
  on: 'action target',
  on_delete: 'on_delete behaviour',
  operations: 'operation',
  filter: 'filter',
  kind: 'generate kind',
  per: 'sequence scope',
};

/** `rootLabel` names the top-level object in messages (`service.yaml`, `module file`). */
export function issuesToDiagnostics(issues: readonly Issue[], source: YamlSource, schema: z.ZodType, rootLabel = 'file'): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const issue of issues) mapIssue(issue, [], source, schema, rootLabel, out);
  return out;
}

function mapIssue(issue: Issue, prefix: YamlPath, source: YamlSource, schema: z.ZodType, rootLabel: string, out: Diagnostic[]): void {
  const path: YamlPath = [...prefix, ...(issue.path as (string | number)[])];
  const last = path[path.length - 1];
  if ('input' in issue && issue.input === undefined && typeof last === 'string' && issue.code !== 'unrecognized_keys') {
    out.push(
      diagnostic('missing-key', source.locate(path.slice(0, -1), 'key'), {
        name: last,
        what: describeObject(path.slice(0, -1), rootLabel),
      }),
    );
    return;
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        out.push(
          diagnostic(
            'unknown-key',
            source.locate([...path, key], 'key'),
            { name: key, what: describeObject(path, rootLabel) },
            didYouMean(key, keysAt(schema, path)),
          ),
        );
      }
      return;
    case 'invalid_type':
      out.push(diagnostic('invalid-type', source.locate(path, 'value'), { what: `"${keyName(path)}"`, expected: article(issue.expected) }));
      return;
    case 'invalid_value': {
      const value = String(issue.input);
      const label = VALUE_LABELS[keyName(path)] ?? `value for "${keyName(path)}"`;
      const strings = issue.values.map((v) => String(v));
      out.push(diagnostic('unknown-value', source.locate(path, 'value'), { what: label, value }, didYouMean(value, strings)));
      return;
    }
    case 'invalid_union': {
      const branch = bestBranch(issue.errors);
      if (branch) for (const sub of branch) mapIssue(sub, path, source, schema, rootLabel, out);
      else out.push(diagnostic('invalid-value', source.locate(path, 'value'), { what: `"${keyName(path)}"`, detail: issue.message }));
      return;
    }
    default:
      out.push(
        diagnostic('invalid-value', source.locate(path, 'value'), { what: `"${keyName(path)}"`, detail: lowerFirst(issue.message) }),
      );
  }
}

/**
 * Of a union's failed branches, the one that got furthest (longest issue path) explains the mistake
 * best; among equals prefer a wrong enum value (a typo) over a wrong type. Null when no branch stands out
 * and every branch only failed on type.
 */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | null {
  const score = (b: readonly Issue[]) => Math.max(...b.map((i) => i.path.length * 2 + (i.code === 'invalid_value' ? 1 : 0)));
  let best: readonly Issue[] | null = null;
  let bestScore = 0;
  for (const b of branches) {
    const s = score(b);
    if (s > bestScore) {
      best = b;
      bestScore = s;
    }
  }
  return best;
}

/** The nearest map key naming a value (skipping array indexes). */
function keyName(path: YamlPath): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === 'string') return path[i] as string;
  return 'document';
}

/** Human name of the object at `path`, e.g. `field "price"`, `resource "services"`. */
export function describeObject(path: YamlPath, rootLabel = 'file'): string {
  const parent = path[path.length - 2];
  const key = path[path.length - 1];
  if (path.length === 0) return rootLabel;
  if (parent === 'fields' || parent === 'query') return `field "${String(key)}"`;
  if (parent === 'resources') return `resource "${String(key)}"`;
  if (parent === 'actions') return `action "${String(key)}"`;
  if (parent === 'products') return 'product';
  if (typeof key === 'string') return `"${key}"`;
  return `item ${String(key)} of "${keyName(path)}"`;
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function lowerFirst(s: string): string {
  return s ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** Valid keys of the object schema found by walking `schema` along `path` (empty when not an object). */
export function keysAt(schema: z.ZodType, path: YamlPath): string[] {
  let node: z.core.$ZodType | undefined = schema;
  const unwrap = () => {
    while (node) {
      const def: any = node._zod.def;
      if (def.type === 'optional' || def.type === 'nullable' || def.type === 'default') node = def.innerType;
      else if (def.type === 'lazy') node = def.getter();
      else break;
    }
  };
  for (const seg of path) {
    unwrap();
    const def: any = node?._zod.def;
    if (!def) return [];
    if (def.type === 'object') node = def.shape[seg];
    else if (def.type === 'record') node = def.valueType;
    else if (def.type === 'array') node = def.element;
    else if (def.type === 'union') node = def.options.find((o: any) => o._zod.def.type === 'object' && seg in o._zod.def.shape);
    else return [];
  }
  unwrap();
  const def: any = node?._zod.def;
  if (def?.type === 'object') return Object.keys(def.shape);
  if (def?.type === 'union') return def.options.flatMap((o: any) => (o._zod.def.type === 'object' ? Object.keys(o._zod.def.shape) : []));
  return [];
}
