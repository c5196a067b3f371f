/**
 * FieldNode → JSON Schema (OpenAPI 3.1 dialect). One handler per field type, keyed by
 * `Record<FieldType, …>` so a new field type does not compile until it has a mapping.
 */
import type { FieldNode, FieldType, ResourceNode, ServiceNode } from '../../ir/index.ts';
import type { JsonSchema } from '../../shared/json-schema.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import {
  decimalPattern,
  integerBounds,
  NO_NUL_PATTERN,
  PG_DATE_PATTERN,
  PG_DATETIME_PATTERN,
  prefixedIdPattern,
  refTarget,
  SAFE_ID_MAX,
  TIME_PATTERN,
} from '../shared/fields.ts';

/**
 * `read`: a response body; `write`: a JSON request body; `query`: a query or path parameter;
 * `multipart`: a form-data part (files are binary there).
 */
export type SchemaDirection = 'read' | 'write' | 'query' | 'multipart';

export interface FieldSchemaContext {
  readonly service: ServiceNode;
  readonly direction: SchemaDirection;
}

/** The id schema of a resource: serial integers or `<prefix>_…` strings. */
export function idSchema(r: Pick<ResourceNode, 'idStyle' | 'idPrefix'> | undefined, service: ServiceNode): JsonSchema {
  const style = r?.idStyle ?? service.idStyle;
  if (style === 'serial') return { type: 'integer', format: 'int64', minimum: 1, maximum: SAFE_ID_MAX };
  const prefix = r?.idPrefix;
  return prefix ? { type: 'string', pattern: prefixedIdPattern(prefix) } : { type: 'string' };
}

function bounded(base: JsonSchema, f: FieldNode, minKey: string, maxKey: string): JsonSchema {
  const s: JsonSchema = { ...base };
  if (f.min !== undefined) s[minKey] = f.min;
  if (f.max !== undefined) s[maxKey] = f.max;
  return s;
}

/** Text the database stores: bounded by the catalogue (its column is varchar(max)), never holding NUL. */
const stringSchema = (f: FieldNode): JsonSchema => bounded({ type: 'string', pattern: NO_NUL_PATTERN }, f, 'minLength', 'maxLength');
const lengthBounded =
  (base: JsonSchema) =>
  (f: FieldNode): JsonSchema =>
    bounded(base, f, 'minLength', 'maxLength');

/** Free JSON: any value (jsonb refuses NUL in its strings, runtime/http/input-guard.ts). Never `{}` alone. */
const JSON_DESCRIPTION = 'Any JSON value; its strings may not contain NUL characters.';

/**
 * Bounds of NUMERIC(p, s) sent as a JSON number (`pattern` only constrains strings): the catalogue's, else
 * strictly within ±10^(p − s).
 */
function decimalBounds(f: FieldNode): JsonSchema {
  const out: JsonSchema = {};
  const limit = f.precision !== undefined ? 10 ** (f.precision - (f.scale ?? 0)) : undefined;
  if (f.min !== undefined) out.minimum = f.min;
  else if (limit !== undefined) out.exclusiveMinimum = -limit;
  if (f.max !== undefined) out.maximum = f.max;
  else if (limit !== undefined) out.exclusiveMaximum = limit;
  return out;
}

const FIELD_SCHEMAS: Record<FieldType, (f: FieldNode, ctx: FieldSchemaContext) => JsonSchema> = {
  string: stringSchema,
  text: stringSchema,
  // PostgreSQL `integer`: int32, bounded by the catalogue or the column.
  integer: (f) => {
    const b = integerBounds(f);
    return { type: 'integer', format: 'int32', minimum: b.min, maximum: b.max };
  },
  // Decimals travel as strings so no precision is lost (DRF's COERCE_DECIMAL_TO_STRING; pg returns
  // numeric as text). Clients may send a JSON number too, so write bodies accept both.
  decimal: (f, ctx) => {
    const pattern = decimalPattern(f);
    if (ctx.direction !== 'write') return { type: 'string', format: 'decimal', pattern };
    return { type: ['string', 'number'], pattern, ...decimalBounds(f) };
  },
  boolean: () => ({ type: 'boolean' }),
  date: () => ({ type: 'string', format: 'date', pattern: PG_DATE_PATTERN }),
  datetime: () => ({ type: 'string', format: 'date-time', pattern: PG_DATETIME_PATTERN }),
  time: () => ({ type: 'string', pattern: TIME_PATTERN }),
  email: lengthBounded({ type: 'string', format: 'email' }),
  url: lengthBounded({ type: 'string', format: 'uri' }),
  uuid: () => ({ type: 'string', format: 'uuid' }),
  // In a multipart body the part is text holding the value written out as JSON (the media type's `encoding`
  // says so; runtime/crud/crud-handler.ts parses it): typed as that string, since clients such as orval
  // ignore `encoding` and append a typeless property to FormData as is, which `strict` refuses.
  json: (_f, ctx) =>
    ctx.direction === 'multipart'
      ? { type: 'string', contentMediaType: 'application/json', description: JSON_DESCRIPTION }
      : { description: JSON_DESCRIPTION },
  enum: (f) => ({ type: 'string', enum: [...(f.enumValues ?? [])].sort() }),
  ref: (f, ctx) => idSchema(refTarget(f, ctx.service), ctx.service),
  // Multipart: the upload itself. JSON write: a URL or upload reference, stored as sent. Read: what was stored,
  // the uploaded file's name or the reference a JSON body gave (runtime/crud/crud-handler.ts), so not always a URI.
  file: (_f, ctx) =>
    ctx.direction === 'multipart'
      ? { type: 'string', format: 'binary' }
      : ctx.direction === 'read'
        ? { type: 'string', description: 'The stored file: its URL, upload reference or file name.' }
        : { type: 'string', pattern: NO_NUL_PATTERN },
};

/** Adds `null` to a schema's type (and enum) for nullable fields. */
export function makeNullable(s: JsonSchema): JsonSchema {
  if (s.type === undefined && s.enum === undefined) return s; // free JSON already admits null
  const out: JsonSchema = { ...s };
  const t = s.type;
  if (typeof t === 'string') out.type = [t, 'null'];
  else if (Array.isArray(t) && !t.includes('null')) out.type = [...t, 'null'];
  if (Array.isArray(s.enum)) out.enum = [...s.enum, null];
  return out;
}

/** Full property schema of a field: type mapping, nullability, docs, read/write flags. */
export function fieldSchema(f: FieldNode, ctx: FieldSchemaContext): JsonSchema {
  let s = FIELD_SCHEMAS[f.type](f, ctx);
  if (f.nullable) s = makeNullable(s);
  s = { ...s };
  if (f.description) s.description = f.description;
  if (ctx.direction === 'read' && f.readOnly) s.readOnly = true;
  if (ctx.direction === 'write' && f.writeOnly) s.writeOnly = true;
  // Not `default`: openapi-typescript (default options) makes a property with a default required, also in a
  // request body schema, so clients would have to send what the server fills in. Bodies name it `x-default`.
  if (ctx.direction !== 'read' && ctx.direction !== 'query' && f.default !== undefined) s['x-default'] = f.default;
  if (f.example !== undefined) s.examples = [f.example];
  return s;
}

/** An object schema over fields; `required` names the fields to mark required. */
export function objectSchema(fields: readonly FieldNode[], ctx: FieldSchemaContext, required: (f: FieldNode) => boolean): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const req: string[] = [];
  for (const f of fields) {
    properties[f.name] = fieldSchema(f, ctx);
    if (required(f)) req.push(f.name);
  }
  const s: JsonSchema = { type: 'object', properties };
  if (req.length > 0) s.required = req;
  // A style that ignores unknown keys (DRF) must not promise to refuse them.
  if (ctx.direction !== 'read' && STYLE_CONVENTIONS[ctx.service.style].unknownKeys === 'refuse') s.additionalProperties = false;
  return s;
}

/** `encoding` of a multipart body: each JSON field's part is `application/json` text. */
export function multipartEncoding(fields: readonly FieldNode[]): JsonSchema | undefined {
  const json = fields.filter((f) => f.type === 'json');
  return json.length ? Object.fromEntries(json.map((f) => [f.name, { contentType: 'application/json' }])) : undefined;
}
