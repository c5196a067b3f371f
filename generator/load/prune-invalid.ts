/**
 * Best-effort recovery after a meta-schema failure, so the semantic checks still run on the rest of
 * the file and one run reports every mistake (as a compiler recovers after a syntax error).
 * Invalid values are removed; an object that then lacks a required key is removed as a whole;
 * a missing required key at the top of the file is filled from `defaults`.
 * The pruned data is used only for checking — the run already failed.
 */
import type { z } from 'zod';

type Path = readonly PropertyKey[];

export function pruneToValid<T>(data: unknown, schema: z.ZodType<T>, defaults: Readonly<Record<string, unknown>>): T | null {
  let current: unknown = structuredClone(data ?? {});
  for (let round = 0; round < 20; round++) {
    const r = schema.safeParse(current, { reportInput: true });
    if (r.success) return r.data;
    const removals: Path[] = [];
    for (const issue of r.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) removals.push([...issue.path, k]);
      } else if ('input' in issue && issue.input === undefined) {
        // A required key is missing (zod reports it as a wrong type or value of `undefined`).
        const parent = issue.path.slice(0, -1);
        const key = issue.path[issue.path.length - 1];
        if (parent.length === 0 && typeof key === 'string' && key in defaults && isObject(current)) current[key] = defaults[key];
        else if (parent.length > 0) removals.push(parent);
        else return null;
      } else {
        if (issue.path.length === 0) return null;
        removals.push(issue.path);
      }
    }
    current = removeAll(current, removals);
  }
  return null;
}

function isObject(x: unknown): x is Record<PropertyKey, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const REMOVED = Symbol('removed');

/** Marks every path, then drops marked array items (so indexes stay valid while marking). */
function removeAll(root: unknown, paths: readonly Path[]): unknown {
  for (const p of paths) {
    let node: unknown = root;
    for (const seg of p.slice(0, -1)) node = (node as Record<PropertyKey, unknown> | undefined)?.[seg];
    const last = p[p.length - 1]!;
    if (Array.isArray(node) && typeof last === 'number') node[last] = REMOVED;
    else if (isObject(node)) delete node[last];
  }
  return sweep(root);
}

function sweep(x: unknown): unknown {
  if (Array.isArray(x)) return x.filter((v) => v !== REMOVED).map(sweep);
  if (isObject(x)) for (const k of Object.keys(x)) x[k] = sweep(x[k]);
  return x;
}
