/**
 * FieldNode → Zod source expression. One handler per field type (`Record<FieldType, …>`), so a new
 * field type does not compile until it has a validator.
 *
 * `body` validates parsed JSON (no coercion: `"5"` is not an integer);
 * `form` validates query strings and multipart text parts, where every value arrives as a string,
 * so numbers and booleans are coerced.
 */
import type { FieldNode, FieldType, ServiceNode } from '../../ir/index.ts';
import { decimalPattern, prefixedIdPattern, refTarget, TIME_PATTERN } from '../shared/fields.ts';
import { printLiteral, propertyKey, quote } from '../shared/print-literal.ts';

export type ValidatorMode = 'body' | 'form';

export interface FieldValidatorContext {
  readonly service: ServiceNode;
  readonly mode: ValidatorMode;
}

/** A regex literal from a pattern string. */
export function regex(pattern: string): string {
  return `/${pattern.replace(/\//g, '\\/')}/`;
}

function bounds(f: FieldNode): string {
  return `${f.min !== undefined ? `.min(${f.min})` : ''}${f.max !== undefined ? `.max(${f.max})` : ''}`;
}

// `<string>` types the input as the string it is, so a coerced number can sit in a `.pipe()` after `split(',')`.
const number = (ctx: FieldValidatorContext) => (ctx.mode === 'form' ? 'z.coerce.number<string>()' : 'z.number()');
const string = (f: FieldNode) => `z.string()${bounds(f)}`;

const VALIDATORS: Record<FieldType, (f: FieldNode, ctx: FieldValidatorContext) => string> = {
  string,
  text: string,
  integer: (f, ctx) => `${number(ctx)}.int()${bounds(f)}`,
  // `decimal()` is a helper emitted at the top of each file that uses it (see module-file.ts).
  decimal: (f) => {
    const extra = [f.min !== undefined ? `min: ${f.min}` : '', f.max !== undefined ? `max: ${f.max}` : ''].filter(Boolean);
    return `decimal(${regex(decimalPattern(f))}${extra.length ? `, { ${extra.join(', ')} }` : ''})`;
  },
  // z.stringbool accepts true/false, 1/0, yes/no, on/off; z.coerce.boolean would read 'false' as true.
  boolean: (_f, ctx) => (ctx.mode === 'form' ? 'z.stringbool()' : 'z.boolean()'),
  date: () => 'z.iso.date()',
  // Bodies need an explicit zone; query filters also take a date or a local time (as django-filter does).
  datetime: (_f, ctx) =>
    ctx.mode === 'form' ? 'z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })])' : 'z.iso.datetime({ offset: true })',
  time: () => `z.string().regex(${regex(TIME_PATTERN)})`,
  email: () => 'z.email()',
  url: () => 'z.url()',
  uuid: () => 'z.uuid()',
  json: (_f, ctx) => (ctx.mode === 'form' ? 'z.string()' : 'z.json()'),
  enum: (f) => `z.enum([${[...(f.enumValues ?? [])].sort().map(quote).join(', ')}])`,
  ref: (f, ctx) => {
    const target = refTarget(f, ctx.service);
    const style = target?.idStyle ?? ctx.service.idStyle;
    if (style === 'serial') return `${number(ctx)}.int().positive()`;
    return target?.idPrefix ? `z.string().regex(${regex(prefixedIdPattern(target.idPrefix))})` : 'z.string().min(1)';
  },
  // In JSON a file field carries a URL or an upload reference; multipart uploads never reach here.
  file: () => 'z.string()',
};

/** The validator of one field; `optional` adds `.optional()` (the field may be left out). */
export function fieldValidator(f: FieldNode, ctx: FieldValidatorContext, optional: boolean): string {
  let code = VALIDATORS[f.type](f, ctx);
  if (f.nullable && f.type !== 'json') code += '.nullable()';
  if (optional) code += '.optional()';
  return code;
}

/**
 * `.default(v)` of a field the request left out. An object or array default is built afresh on each parse,
 * so no request shares (and may change) another's value.
 */
export function defaultCode(value: NonNullable<FieldNode['default']> | null): string {
  const literal = printLiteral(value);
  return value !== null && typeof value === 'object' ? `.default(() => (${literal}))` : `.default(${literal})`;
}
