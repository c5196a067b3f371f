/**
 * FieldNode → Zod source expression. One handler per field type (`Record<FieldType, …>`), so a new
 * field type does not compile until it has a validator.
 *
 * `body` validates parsed JSON (no coercion: `"5"` is not an integer);
 * `form` validates query strings and multipart text parts, where every value arrives as a string,
 * so numbers and booleans are coerced.
 */
import type { FieldNode, FieldType, ServiceNode } from '../../ir/index.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import { decimalPattern, integerBounds, prefixedIdPattern, refTarget, SAFE_ID_MAX, TIME_PATTERN } from '../shared/fields.ts';
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

/**
 * The error parameter of a base schema: for a style that speaks Django REST framework's words, the message
 * function of that kind from `field-checks.ts` (emit/zod/field-checks.ts); otherwise none (zod's words).
 * `inner` is put inside an existing options object.
 */
export function messages(ctx: Pick<FieldValidatorContext, 'service'>, kind: string, inner = false): string {
  if (STYLE_CONVENTIONS[ctx.service.style].messages !== 'drf') return '';
  return inner ? `, error: drf.${kind}` : `{ error: drf.${kind} }`;
}

// `<string>` types the input as the string it is, so a coerced number can sit in a `.pipe()` after `split(',')`.
const number = (ctx: FieldValidatorContext, kind = 'integer') =>
  ctx.mode === 'form' ? `z.coerce.number<string>(${messages(ctx, kind)})` : `z.number(${messages(ctx, kind)})`;
/** Text PostgreSQL stores: no NUL character. */
const text = (ctx: FieldValidatorContext) => `z.string(${messages(ctx, 'string')}).regex(NO_NUL, NUL_MESSAGE)`;
const string = (f: FieldNode, ctx: FieldValidatorContext) => `${text(ctx)}${bounds(f)}`;
const opts = (ctx: FieldValidatorContext, kind: string) => messages(ctx, kind);
const pgDate = '.refine(pgDate, PG_DATE_MESSAGE)';
const pgDateTimeCheck = '.refine(pgDateTime, PG_DATETIME_MESSAGE)';

const VALIDATORS: Record<FieldType, (f: FieldNode, ctx: FieldValidatorContext) => string> = {
  string,
  text: string,
  // PostgreSQL `integer`: the catalogue's bounds, else the column's.
  integer: (f, ctx) => {
    const b = integerBounds(f);
    return `${number(ctx)}.int().min(${b.min}).max(${b.max})`;
  },
  // `decimal()` is a helper of field-checks.ts: NUMERIC(p, s) as a string or JSON number, checked on its text.
  decimal: (f, ctx) => {
    const extra = [
      f.min !== undefined ? `min: ${f.min}` : '',
      f.max !== undefined ? `max: ${f.max}` : '',
      messages(ctx, 'decimal', true).slice(2),
    ].filter(Boolean);
    return `decimal(${regex(decimalPattern(f))}${extra.length ? `, { ${extra.join(', ')} }` : ''})`;
  },
  // z.stringbool accepts true/false, 1/0, yes/no, on/off; z.coerce.boolean would read 'false' as true.
  boolean: (_f, ctx) => (ctx.mode === 'form' ? `z.stringbool(${opts(ctx, 'boolean')})` : `z.boolean(${opts(ctx, 'boolean')})`),
  date: (_f, ctx) => `z.iso.date(${opts(ctx, 'date')})${pgDate}`,
  // Bodies need an explicit zone; query filters also take a date or a local time (as django-filter does).
  datetime: (_f, ctx) =>
    ctx.mode === 'form'
      ? `z.union([z.iso.date(), z.iso.datetime({ offset: true, local: true })]${messages(ctx, 'datetime') ? `, ${messages(ctx, 'datetime')}` : ''})${pgDateTimeCheck}`
      : `z.iso.datetime({ offset: true${messages(ctx, 'datetime', true)} })${pgDateTimeCheck}`,
  time: (_f, ctx) => `z.string(${opts(ctx, 'time')}).regex(${regex(TIME_PATTERN)})`,
  email: (f, ctx) => `z.email(${opts(ctx, 'email')})${bounds(f)}`,
  url: (f, ctx) => `z.url(${opts(ctx, 'url')})${bounds(f)}`,
  uuid: (_f, ctx) => `z.uuid(${opts(ctx, 'uuid')})`,
  // jsonb cannot hold NUL in a string either; `jsonWithoutNul` walks the value.
  json: (_f, ctx) => (ctx.mode === 'form' ? text(ctx) : `z.json(${opts(ctx, 'json')}).refine(jsonWithoutNul, NUL_MESSAGE)`),
  enum: (f, ctx) =>
    `z.enum([${[...(f.enumValues ?? [])].sort().map(quote).join(', ')}]${messages(ctx, 'choice') ? `, ${messages(ctx, 'choice')}` : ''})`,
  ref: (f, ctx) => {
    const target = refTarget(f, ctx.service);
    const style = target?.idStyle ?? ctx.service.idStyle;
    if (style === 'serial') return `${number(ctx, 'pk')}.int().positive().max(${SAFE_ID_MAX})`;
    const base = `z.string(${opts(ctx, 'pk')})`;
    return target?.idPrefix ? `${base}.regex(${regex(prefixedIdPattern(target.idPrefix))})` : `${base}.min(1).regex(NO_NUL, NUL_MESSAGE)`;
  },
  // In JSON a file field carries a URL or an upload reference; multipart uploads never reach here.
  file: (_f, ctx) => text(ctx),
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
