/**
 * Declarative conditions and templates shared by automations, scheduled jobs, declarative
 * functions and policy simulation. Nothing here evaluates code: a condition is
 * `{field, op, value}` over a context object (dotted paths), a template replaces `{{path}}` in
 * strings with context values.
 */
export interface Condition {
  field: string;
  op?: string;
  value?: unknown;
}

export function lookup(ctx: unknown, path: string): unknown {
  let cur: unknown = ctx;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** `"{{data.email}}"` alone keeps the value's type; inside text it is stringified. Objects and arrays recurse. */
export function render(v: unknown, ctx: unknown): unknown {
  if (typeof v === 'string') {
    const whole = /^\{\{\s*([\w.]+)\s*\}\}$/.exec(v);
    if (whole) return lookup(ctx, whole[1]);
    return v.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, p: string) => {
      const x = lookup(ctx, p);
      return x === undefined || x === null ? '' : typeof x === 'object' ? JSON.stringify(x) : String(x);
    });
  }
  if (Array.isArray(v)) return v.map((x) => render(x, ctx));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, render(x, ctx)]));
  return v;
}

export const OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'exists', 'not_exists'] as const;

const cmp = (a: unknown, b: unknown) =>
  typeof a === 'number' && typeof b === 'number' ? a - b : String(a ?? '').localeCompare(String(b ?? ''));

export function test(c: Condition, ctx: unknown): boolean {
  const left = lookup(ctx, c.field);
  const right = render(c.value, ctx);
  switch (c.op ?? 'eq') {
    case 'eq':
      return JSON.stringify(left) === JSON.stringify(right);
    case 'neq':
      return JSON.stringify(left) !== JSON.stringify(right);
    case 'gt':
      return left != null && cmp(left, right) > 0;
    case 'gte':
      return left != null && cmp(left, right) >= 0;
    case 'lt':
      return left != null && cmp(left, right) < 0;
    case 'lte':
      return left != null && cmp(left, right) <= 0;
    case 'in':
      return Array.isArray(right) && right.some((r) => JSON.stringify(r) === JSON.stringify(left));
    case 'contains':
      return Array.isArray(left)
        ? left.some((x) => JSON.stringify(x) === JSON.stringify(right))
        : typeof left === 'string' && left.includes(String(right));
    case 'exists':
      return left !== undefined && left !== null;
    case 'not_exists':
      return left === undefined || left === null;
    default:
      throw new Error(`unknown operator "${c.op}" (use ${OPS.join(', ')})`);
  }
}

/** Conditions as a list (all must hold) or `{all: [...]}` / `{any: [...]}`; none = true. */
export function holds(conditions: unknown, ctx: unknown): boolean {
  if (conditions == null) return true;
  if (Array.isArray(conditions)) return conditions.every((c) => holds(c, ctx));
  if (typeof conditions !== 'object') return true;
  const o = conditions as Record<string, unknown>;
  if (Array.isArray(o.all)) return o.all.every((c) => holds(c, ctx));
  if (Array.isArray(o.any)) return o.any.some((c) => holds(c, ctx));
  if (typeof o.field === 'string') return test(o as unknown as Condition, ctx);
  return true;
}
