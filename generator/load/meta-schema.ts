/**
 * The catalogue meta-schema (format: spec/README.md). Every object is strict, so a misspelt key is an
 * error rather than silently ignored. Objects are deliberately NOT discriminated unions (a field is one
 * object whatever its type; a shape is one object with exclusive keys): union errors are hard to
 * explain, so type-specific rules live in check-catalogue.ts where they get precise messages.
 */
import { z } from 'zod';
import { FIELD_TYPES, FILTER_OPS } from '../ir/field-node.ts';
import { SERVICE_STYLES } from '../ir/service-node.ts';
import { CRUD_OPERATIONS } from '../ir/resource-node.ts';
import type { GeneratedFile } from '../emit/generated-file.ts';

export const AUTH_SCHEMES = ['jwt', 'api_key', 'bearer_key', 'session'] as const;
export const SCOPES = ['company', 'workspace', 'global'] as const;
export const ID_STYLES = ['serial', 'prefixed'] as const;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export const ON_DELETE = ['restrict', 'cascade', 'set_null'] as const;
export const READ_ACCESS = ['public', 'authenticated', 'permission'] as const;
export const WRITE_ACCESS = ['superuser', 'permission'] as const;
/** Access of create alone: `authenticated` lets any signed-in caller create (its handler decides what that means). */
export const CREATE_ACCESS = ['authenticated', 'superuser', 'permission'] as const;
export const ACTION_TENANCY = ['required', 'optional', 'none'] as const;
/** A handler name `<module>.<camelCase>`, e.g. `core.createInternalApiKey`. */
const handlerName = z.string().regex(/^[a-z][a-z0-9-]*\.[a-z][A-Za-z0-9]*$/, 'a handler name such as core.createInternalApiKey');

const jsonValue = z.json().meta({ id: 'JsonValue' });

export const GENERATE_KINDS = ['code', 'sequence', 'uuid'] as const;
export const SEQUENCE_PER = ['company', 'global'] as const;

/** `generate:` — a value the server fills on create (spec/README.md "Generated values"). */
export const generateSchema = z
  .strictObject({
    kind: z.enum(GENERATE_KINDS),
    /** code and sequence: text before the generated part, e.g. `PRT-`, `INV-{year}-`. */
    prefix: z.string().optional(),
    /** code: random characters after the prefix (default 8). */
    length: z.int().min(4).max(64).optional(),
    /** sequence: zero-pad the number to this many digits (default 1, i.e. none). */
    pad: z.int().min(1).max(18).optional(),
    /** sequence: count per company (default on tenant tables) or across the whole table. */
    per: z.enum(SEQUENCE_PER).optional(),
  })
  .meta({ id: 'Generate', description: 'A server-generated value: { kind: code | sequence | uuid, prefix, length, pad, per }.' });

export const fieldSchema = z
  .strictObject({
    type: z.enum(FIELD_TYPES),
    required: z.boolean().optional(),
    nullable: z.boolean().optional(),
    default: jsonValue.optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    unique: z.boolean().optional(),
    filter: z.union([z.boolean(), z.enum(['exact', 'range']), z.array(z.enum(FILTER_OPS))]).optional(),
    search: z.boolean().optional(),
    order: z.boolean().optional(),
    read_only: z.boolean().optional(),
    write_only: z.boolean().optional(),
    index: z.boolean().optional(),
    values: z.array(z.string()).min(1).optional(),
    to: z.string().optional(),
    on_delete: z.enum(ON_DELETE).optional(),
    precision: z.int().positive().optional(),
    scale: z.int().nonnegative().optional(),
    renamed_from: z.string().optional(),
    generate: generateSchema.optional(),
    description: z.string().optional(),
    example: jsonValue.optional(),
  })
  .meta({ id: 'Field', description: 'A field: its type and constraints.' });

export const fieldsSchema = z.record(z.string(), fieldSchema).meta({ id: 'Fields' });

/** Request/response body: exactly one of fields, resource, page, file, multipart (checked later). */
export const shapeSchema = z
  .strictObject({
    fields: fieldsSchema.optional(),
    resource: z.string().optional(),
    page: z.string().optional(),
    many: z.boolean().optional(),
    file: z.string().optional(),
    multipart: z.strictObject({ fields: fieldsSchema }).optional(),
    description: z.string().optional(),
  })
  .meta({ id: 'Shape', description: 'An action body: fields, resource, page, file (content type) or multipart.' });

export const actionSchema = z
  .strictObject({
    method: z.enum(HTTP_METHODS),
    on: z.enum(['item', 'collection']).optional(),
    path: z.string().optional(),
    handler: z.string().optional(),
    summary: z.string().optional(),
    description: z.string().optional(),
    /** A permission code, or `authenticated` (signed in, no permission code). */
    permission: z.string().optional(),
    public: z.boolean().optional(),
    /** Whether the action runs in a company selected by X-Company-ID (default: required for product modules and tenant resources). */
    tenant: z.enum(ACTION_TENANCY).optional(),
    status: z.int().optional(),
    /** Other success statuses with the same body, e.g. 200 beside 201 when an existing record is answered instead of a new one. */
    also_status: z.array(z.int()).optional(),
    errors: z.array(z.int()).optional(),
    query: fieldsSchema.optional(),
    request: shapeSchema.optional(),
    response: shapeSchema.optional(),
  })
  .meta({ id: 'Action' });

const row = z.record(z.string(), jsonValue);

export const resourceSchema = z
  .strictObject({
    model: z.string(),
    summary: z.string().optional(),
    description: z.string().optional(),
    scope: z.enum(SCOPES).optional(),
    id_style: z.enum(ID_STYLES).optional(),
    id_prefix: z.string().optional(),
    path: z.string().optional(),
    table: z.string().optional(),
    operations: z.array(z.enum(CRUD_OPERATIONS)).optional(),
    soft_delete: z.boolean().optional(),
    fields: fieldsSchema.optional(),
    unique_together: z.array(z.array(z.string()).min(1)).optional(),
    ordering: z.array(z.string()).optional(),
    seed: z.array(row).optional(),
    demo: z.array(row).optional(),
    actions: z.record(z.string(), actionSchema).optional(),
    /** Who may read and write (defaults depend on scope; spec/README.md "Access"). */
    access: z
      .strictObject({
        read: z.enum(READ_ACCESS).optional(),
        write: z.enum(WRITE_ACCESS).optional(),
        /** Overrides `write` for create. */
        create: z.enum(CREATE_ACCESS).optional(),
        /** Overrides `write` for delete and restore. */
        delete: z.enum(WRITE_ACCESS).optional(),
      })
      .optional(),
    /** The resource IS the tenant (companies): users reach only rows where they hold an active membership. */
    tenant_root: z.boolean().optional(),
    /** company_id may be null (rows outside any tenant); the API still lists only the request tenant's rows. */
    tenant_optional: z.boolean().optional(),
    /** CRUD operations answered by a named runtime handler instead of the generic one. */
    handlers: z.partialRecord(z.enum(CRUD_OPERATIONS), handlerName).optional(),
    /** Operations that accept multipart/form-data (uploaded files reach the handler as `a.files`). */
    multipart: z.array(z.enum(CRUD_OPERATIONS)).optional(),
    /** Body of the list answer: the style's page (default), a plain array, or `{<named>: [...], total}`. */
    list_shape: z.union([z.enum(['page', 'array']), z.strictObject({ named: z.string().regex(/^[a-z][a-z0-9_]*$/) })]).optional(),
    /**
     * Body of the generic delete where the style answers deletes with a body (platform: 200): by default
     * `{id: <record id>, deleted: true}`; `id:` renames the id key (`conversation_id`), `id: false` leaves
     * it out (`{deleted: true}`). Styles that answer 204 ignore it.
     */
    delete_answer: z.strictObject({ id: z.union([z.string().regex(/^[a-z][a-z0-9_]*$/), z.literal(false)]).optional() }).optional(),
    /**
     * Raw SQL the fields cannot express (triggers, composite foreign keys, backfills), by snake_case name:
     * `up` statements run in the next migration when the block is new or changed, `down` undoes them.
     * One SQL statement per list item.
     */
    sql: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]*$/),
        z.strictObject({
          up: z.array(z.string().min(1)).min(1),
          down: z.array(z.string().min(1)),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Resource' });

export const moduleFileSchema = z
  .strictObject({
    module: z.string(),
    title: z.string(),
    description: z.string().optional(),
    product: z.string().optional(),
    path: z.string().optional(),
    resources: z.record(z.string(), resourceSchema).optional(),
    actions: z.record(z.string(), actionSchema).optional(),
  })
  .meta({ id: 'ModuleFile', description: 'spec/<service>/<module>.yaml' });

export const productSchema = z.strictObject({ code: z.string(), name: z.string() });

export const serviceFileSchema = z
  .strictObject({
    service: z.string(),
    title: z.string(),
    version: z.string(),
    description: z.string().optional(),
    base_path: z.string(),
    style: z.enum(SERVICE_STYLES),
    trailing_slash: z.boolean().optional(),
    id_style: z.enum(ID_STYLES).optional(),
    auth: z.array(z.enum(AUTH_SCHEMES)).min(1),
    tenant_header: z.string().optional(),
    app_header: z.string().optional(),
    api_key_header: z.string().optional(),
    products: z.array(productSchema).optional(),
    /** Also emit generated/<service>/citus/schema.sql, the schema distributed by company_id on Citus (docs/citus.md). */
    citus: z.boolean().optional(),
  })
  .meta({ id: 'ServiceFile', description: 'spec/<service>/service.yaml' });

export type FieldSpec = z.infer<typeof fieldSchema>;
export type GenerateSpecRaw = z.infer<typeof generateSchema>;
export type ShapeSpec = z.infer<typeof shapeSchema>;
export type ActionSpec = z.infer<typeof actionSchema>;
export type ResourceSpec = z.infer<typeof resourceSchema>;
export type ModuleFile = z.infer<typeof moduleFileSchema>;
export type ServiceFile = z.infer<typeof serviceFileSchema>;

/** JSON Schema for editors (yaml-language-server): a catalogue file is a service or a module file. */
export function catalogueJsonSchema(): object {
  const schema = z.union([serviceFileSchema, moduleFileSchema]).meta({
    title: 'loopgen catalogue file',
    description: 'spec/<service>/service.yaml or a module file spec/<service>/<module>.yaml (see spec/README.md).',
  });
  return z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any' });
}

/** `spec/catalogue.schema.json`: deterministic, pretty JSON with a final newline. */
export function emitCatalogueSchema(): GeneratedFile {
  return { path: 'spec/catalogue.schema.json', contents: `${JSON.stringify(catalogueJsonSchema(), null, 2)}\n` };
}
