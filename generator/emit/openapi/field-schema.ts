/**
 * FieldNode → JSON Schema (OpenAPI 3.1 dialect). One handler per field type, keyed by
 * `Record<FieldType, …>` so a new field type does not compile until it has a mapping.
 */
import type { FieldNode, FieldType, ResourceNode, ServiceNode } from '../../ir/index.ts';
import type { JsonSchema } from '../../shared/json-schema.ts';
import { decimalPattern, prefixedIdPattern, refTarget, TIME_PATTERN } from '../shared/fields.ts';

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
  if (style === 'serial') return { type: 'integer', minimum: 1 };
  const prefix = r?.idPrefix;
  return prefix ? { type: 'string', pattern: prefixedIdPattern(prefix) } : { type: 'string' };
}

function bounded(base: JsonSchema, f: FieldNode, minKey: string, maxKey: string): JsonSchema {
  const s: JsonSchema = { ...base };
  if (f.min !== undefined) s[minKey] = f.min;
  if (f.max !== undefined) s[maxKey] = f.max;
  return s;
}

const stringSchema = (f: FieldNode): JsonSchema => bounded({ type: 'string' }, f, 'minLength', 'maxLength');

const FIELD_SCHEMAS: Record<FieldType, (f: FieldNode, ctx: FieldSchemaContext) => JsonSchema> = {
  string: stringSchema,
  text: stringSchema,
  integer: (f) => bounded({ type: 'integer' }, f, 'minimum', 'maximum'),
  // Decimals travel as strings so no precision is lost (DRF's COERCE_DECIMAL_TO_STRING; pg returns
  // numeric as text). Clients may send a JSON number too, so write bodies accept both.
  decimal: (f, ctx) => {
    const pattern = decimalPattern(f);
    if (ctx.direction !== 'write') return { type: 'string', format: 'decimal', pattern };
    return bounded({ type: ['string', 'number'], pattern }, f, 'minimum', 'maximum');
  },
  boolean: () => ({ type: 'boolean' }),
  date: () => ({ type: 'string', format: 'date' }),
  datetime: () => ({ type: 'string', format: 'date-time' }),
  time: () => ({ type: 'string', pattern: TIME_PATTERN }),
  email: () => ({ type: 'string', format: 'email' }),
  url: () => ({ type: 'string', format: 'uri' }),
  uuid: () => ({ type: 'string', format: 'uuid' }),
  json: () => ({}),
  enum: (f) => ({ type: 'string', enum: [...(f.enumValues ?? [])].sort() }),
  ref: (f, ctx) => idSchema(refTarget(f, ctx.service), ctx.service),
  // Read: the stored file's URL. Multipart: the upload itself. JSON write: a URL or upload reference.
  file: (_f, ctx) =>
    ctx.direction === 'multipart'
      ? { type: 'string', format: 'binary' }
      : ctx.direction === 'read'
        ? { type: 'string', format: 'uri' }
        : { type: 'string' },
};

/** Adds `null` to a schema's type (and enum) for nullable fields. */
export function makeNullable(s: JsonSchema): JsonSchema {
  if (Object.keys(s).length === 0) return s; // `{}` already admits null
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
  if (ctx.direction === 'write' && f.default !== undefined) s.default = f.default;
  if (f.example !== undefined) s.examples = [f.example];
  return s;
}

/** An object schema over fields; `required` names the fields to mark required. */
export function objectSchema(
  fields: readonly FieldNode[],
  ctx: FieldSchemaContext,
  required: (f: FieldNode) => boolean,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const req: string[] = [];
  for (const f of fields) {
    properties[f.name] = fieldSchema(f, ctx);
    if (required(f)) req.push(f.name);
  }
  const s: JsonSchema = { type: 'object', properties };
  if (req.length > 0) s.required = req;
  if (ctx.direction !== 'read') s.additionalProperties = false;
  return s;
}
