/**
 * Input PostgreSQL cannot store, refused before any handler runs: a NUL character in a query value,
 * a path parameter, a JSON string or key at any depth (text columns fail with SQLSTATE 22021, jsonb
 * with 22P05), an unpaired UTF-16 surrogate (jsonb refuses its escape), and JSON nested deeper than any
 * API body needs (recursive walkers, ours and the database's, stay within their stacks).
 * The answer is a 400 naming the field, with Django REST framework's wording for NUL.
 */
import type { RequestHandler } from 'express';
import { type FieldErrors, validation } from './api-error.ts';

export const NUL_MESSAGE = 'Null characters are not allowed.';
export const SURROGATE_MESSAGE = 'Unpaired surrogate characters are not allowed.';
export const MAX_JSON_DEPTH = 64;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The complaint about one string, or null when it can be stored. */
function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return NUL_MESSAGE;
  if (LONE_SURROGATE.test(s)) return SURROGATE_MESSAGE;
  return null;
}

/**
 * The first unstorable string (value or key) or too-deep nesting in `value`, as field errors keyed by
 * the dotted path (`tags.k`), or null. Iterative, so a hostile depth cannot overflow the stack here.
 */
export function inputProblem(value: unknown, prefix = ''): FieldErrors | null {
  const stack: [string, unknown, number][] = [[prefix, value, 0]];
  while (stack.length) {
    const [path, v, depth] = stack.pop()!;
    const key = path || 'non_field_errors';
    if (typeof v === 'string') {
      const problem = stringProblem(v);
      if (problem) return { [key]: [problem] };
      continue;
    }
    if (v === null || typeof v !== 'object' || Buffer.isBuffer(v)) continue;
    if (depth >= MAX_JSON_DEPTH) return { [key]: [`Nesting is deeper than ${MAX_JSON_DEPTH} levels.`] };
    const entries: [string, unknown][] = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v as Record<string, unknown>);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [k, x] = entries[i]!;
      const child = path ? `${path}.${k}` : k;
      const problem = stringProblem(k);
      if (problem) return { [path || 'non_field_errors']: [problem] };
      stack.push([child, x, depth + 1]);
    }
  }
  return null;
}

/** Throws the 400 for `value` when it holds something PostgreSQL cannot store. */
export function refuseUnstorable(value: unknown, prefix = ''): void {
  const problem = inputProblem(value, prefix);
  if (problem) throw validation(problem);
}

/**
 * Checks the query, the path (`%00` decodes to NUL; `paramsOf` finds which route parameter holds it)
 * and a parsed JSON body. Multipart bodies are parsed later and checked there (runtime/http/run-action.ts).
 */
export function inputGuard(paramsOf: (path: string) => readonly Readonly<Record<string, unknown>>[]): RequestHandler {
  return (req, _res, next) => {
    refuseUnstorable(req.query);
    if (/%00/i.test(req.path)) {
      for (const params of paramsOf(req.path)) refuseUnstorable(params);
      throw validation({ path: [NUL_MESSAGE] });
    }
    if (req.body !== undefined) refuseUnstorable(req.body);
    next();
  };
}
