/**
 * Path items of a service: CRUD operations of every resource (only those in `resource.operations`)
 * and every action. Component schemas that operations need beyond the resource shapes
 * (action bodies) and the error responses they reference are collected on the builder.
 */
import type { ActionNode, CrudOperation, FieldNode, ResourceNode, ServiceNode, ShapeNode } from '../../ir/index.ts';
import { schemaNames } from '../names.ts';
import type { JsonSchema } from '../../shared/json-schema.ts';
import { successEnvelope, type StyleConventions } from '../../shared/style-conventions.ts';
import { CRUD_OPERATION_SUFFIX, withArticle } from '../../shared/naming.ts';
import { writableFields } from '../shared/fields.ts';
import { fieldSchema, idSchema, multipartEncoding, objectSchema } from './field-schema.ts';
import { listParameters } from './list-parameters.ts';
import { errorResponseName, ref, responseRef } from './style-schemas.ts';

export interface OperationSink {
  readonly service: ServiceNode;
  /** The service's style entry, selected once per document. */
  readonly style: StyleConventions;
  readonly paths: Record<string, Record<string, unknown>>;
  readonly schemas: Record<string, JsonSchema>;
  /** Error statuses referenced by any operation; each becomes a component response. */
  readonly errorStatuses: Set<number>;
}

const words = (s: string) => s.replace(/[-_/]+/g, ' ');
/** An object the handler shapes (never `{}`: code generators read an empty schema as `unknown` and some refuse it). */
const ANY_OBJECT: JsonSchema = { type: 'object', additionalProperties: true };

function withSlash(service: ServiceNode, p: string): string {
  const trimmed = `/${p.replace(/^\/+|\/+$/g, '')}`;
  return service.trailingSlash ? `${trimmed}/` : trimmed;
}

function addOperation(sink: OperationSink, path: string, method: string, op: Record<string, unknown>): void {
  const item = (sink.paths[path] ??= {});
  if (item[method]) throw new Error(`openapi: two operations for ${method.toUpperCase()} ${path}`);
  item[method] = op;
}

/** A JSON body schema, wrapped in the platform envelope where the style wants it. */
function jsonContent(sink: OperationSink, data: JsonSchema): JsonSchema {
  return { 'application/json': { schema: sink.style.wrapsBodies ? successEnvelope(data) : data } };
}

/**
 * What the runtime answers besides an operation's own errors: 400 anywhere (a query or path value PostgreSQL
 * cannot store, runtime/http/input-guard.ts), and for a request body 413 (over the JSON or upload limit)
 * and 415 (a charset or encoding the parser refuses).
 */
function errorResponses(sink: OperationSink, statuses: Iterable<number>, hasBody = false): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  const all = new Set([...statuses, 400, ...(hasBody ? [413, 415] : []), ...sink.style.commonErrors]);
  for (const s of [...all].sort((a, b) => a - b)) {
    sink.errorStatuses.add(s);
    out[String(s)] = responseRef(errorResponseName(s));
  }
  return out;
}

/** Tenancy headers apply to operations on company/workspace data. */
function tenancyParams(sink: OperationSink, tenant: boolean): JsonSchema[] {
  if (!tenant) return [];
  const out: JsonSchema[] = [];
  if (sink.service.tenantHeader) out.push({ $ref: '#/components/parameters/TenantHeader' });
  if (sink.service.appHeader) out.push({ $ref: '#/components/parameters/AppHeader' });
  return out;
}

function hasUnique(r: ResourceNode): boolean {
  return r.uniqueTogether.length > 0 || r.fields.some((f) => f.unique && !f.system);
}

export function addResourceOperations(sink: OperationSink, r: ResourceNode): void {
  const { service } = sink;
  const names = schemaNames(r);
  const collection = withSlash(service, r.path);
  const item = withSlash(service, `${r.path}/{id}`);
  const idParam = { name: 'id', in: 'path', required: true, description: `${r.model} id.`, schema: idSchema(r, service) };
  const tenant = tenancyParams(sink, r.scope !== 'global');
  // 409: a unique constraint, or raw SQL (triggers, checks) the database error mapping answers with 409.
  const conflict = hasUnique(r) || (r.sql?.length ?? 0) > 0 ? [409] : [];
  // In a style whose record writes answer state conflicts with 409 (platform), a named handler may refuse
  // one (a taken slug) even without a declared constraint.
  const handlerConflict = sink.style.recordWriteErrors.includes(409);
  const conflictOf = (op: CrudOperation) => (conflict.length || (handlerConflict && r.handlers[op]) ? [409] : []);
  const readOne = (status: number, description: string) => ({ [status]: { description, content: jsonContent(sink, ref(names.read)) } });
  const body = (schema: string, op: CrudOperation) => {
    if (!r.multipart.includes(op)) return { required: true, content: { 'application/json': { schema: ref(schema) } } };
    const encoding = multipartEncoding(writableFields(r));
    return { required: true, content: { 'multipart/form-data': { schema: ref(schema), ...(encoding ? { encoding } : {}) } } };
  };
  const base = (op: CrudOperation, summary: string) => ({
    operationId: `${r.operationIdBase}${CRUD_OPERATION_SUFFIX[op]}`,
    summary,
    ...(r.summary ? { description: r.summary } : {}),
    tags: [r.tag],
  });
  const model = r.model;
  for (const op of r.operations) {
    switch (op) {
      case 'list':
        addOperation(sink, collection, 'get', {
          ...base(op, `List ${words(r.name)}`),
          parameters: [...tenant, ...listParameters(r, service, sink.style)],
          responses: {
            200: { description: `A page of ${words(r.name)}.`, content: { 'application/json': { schema: ref(names.page) } } },
            ...errorResponses(sink, [400, 401, 403, ...sink.style.listErrors]),
          },
        });
        break;
      case 'create':
        addOperation(sink, collection, 'post', {
          ...base(op, `Create ${withArticle(model)}`),
          parameters: tenant,
          requestBody: body(names.create, op),
          responses: { ...readOne(201, `The created ${model}.`), ...errorResponses(sink, [400, 401, 403, ...conflictOf('create')], true) },
        });
        break;
      case 'retrieve':
        addOperation(sink, item, 'get', {
          ...base(op, `Retrieve ${withArticle(model)}`),
          parameters: [...tenant, idParam],
          responses: { ...readOne(200, `The ${model}.`), ...errorResponses(sink, [401, 403, 404]) },
        });
        break;
      case 'update':
        addOperation(sink, item, 'put', {
          ...base(op, `Replace ${withArticle(model)}`),
          parameters: [...tenant, idParam],
          requestBody: body(names.update, op),
          responses: {
            ...readOne(200, `The updated ${model}.`),
            ...errorResponses(sink, [400, 401, 403, 404, ...conflictOf('update')], true),
          },
        });
        break;
      case 'partial_update':
        addOperation(sink, item, 'patch', {
          ...base(op, `Update fields of ${withArticle(model)}`),
          parameters: [...tenant, idParam],
          requestBody: body(names.partialUpdate, op),
          responses: {
            ...readOne(200, `The updated ${model}.`),
            ...errorResponses(sink, [400, 401, 403, 404, ...conflictOf('partial_update')], true),
          },
        });
        break;
      case 'delete': {
        const status = sink.style.deleteStatus;
        const ok =
          status === 204
            ? { 204: { description: r.softDelete ? `${model} hidden (soft delete).` : `${model} deleted.` } }
            : // A delete answers the catalogue's delete_answer (`{id, deleted: true}`); a named handler
              // without one says what it did in its own body (`{slug, deleted: true}`).
              {
                [status]: {
                  description: `${model} deleted.`,
                  content: jsonContent(
                    sink,
                    r.deleteAnswer ? deletedSchema(r, service) : r.handlers.delete ? ANY_OBJECT : { type: 'null' },
                  ),
                },
              };
        addOperation(sink, item, 'delete', {
          ...base(op, `Delete ${withArticle(model)}`),
          parameters: [...tenant, idParam],
          // 409: other records still refer to this one (ON DELETE RESTRICT / DEPENDENCY_EXISTS).
          responses: { ...ok, ...errorResponses(sink, [401, 403, 404, 409]) },
        });
        break;
      }
      case 'restore':
        addOperation(sink, withSlash(service, `${r.path}/{id}/restore`), 'post', {
          ...base(op, `Restore a deleted ${model}`),
          parameters: [...tenant, idParam],
          responses: { ...readOne(200, `The restored ${model}.`), ...errorResponses(sink, [401, 403, 404, ...conflict]) },
        });
        break;
    }
  }
}

/** Registers a named component schema; a second, different schema under the same name is a bug upstream. */
function defineSchema(sink: OperationSink, name: string, schema: JsonSchema): JsonSchema {
  const existing = sink.schemas[name];
  if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
    throw new Error(`openapi: two different schemas named ${name}`);
  }
  sink.schemas[name] = schema;
  return ref(name);
}

function resourceOf(sink: OperationSink, id: string): ResourceNode {
  const r = sink.service.resources.find((x) => x.id === id);
  if (!r) throw new Error(`openapi: unknown resource ${id}`);
  return r;
}

/** The create-body schema of a resource, defined on demand (an action may post one even without a create operation). */
function createSchemaRef(sink: OperationSink, r: ResourceNode): JsonSchema {
  const name = schemaNames(r).create;
  if (!sink.schemas[name]) {
    sink.schemas[name] = objectSchema(writableFields(r), { service: sink.service, direction: 'write' }, (f) => f.required);
  }
  return ref(name);
}

const many = (s: JsonSchema, isMany: boolean): JsonSchema => (isMany ? { type: 'array', items: s } : s);
const binary = { type: 'string', format: 'binary' };

function requestBody(sink: OperationSink, shape: ShapeNode): JsonSchema | undefined {
  const { service } = sink;
  switch (shape.shape) {
    case 'object': {
      const s = defineSchema(
        sink,
        shape.name,
        objectSchema(shape.fields, { service, direction: 'write' }, (f) => f.required),
      );
      return { required: true, content: { 'application/json': { schema: many(s, shape.many) } } };
    }
    case 'resource':
      return {
        required: true,
        content: { 'application/json': { schema: many(createSchemaRef(sink, resourceOf(sink, shape.resource)), shape.many) } },
      };
    case 'multipart': {
      const s = defineSchema(
        sink,
        shape.name,
        objectSchema(shape.fields, { service, direction: 'multipart' }, (f) => f.required),
      );
      const encoding = multipartEncoding(shape.fields);
      return { required: true, content: { 'multipart/form-data': { schema: s, ...(encoding ? { encoding } : {}) } } };
    }
    case 'file':
      return { required: true, content: { [shape.contentType]: { schema: binary } } };
    case 'page':
    case 'empty':
      return undefined;
  }
}

function successResponse(sink: OperationSink, a: ActionNode): JsonSchema {
  const shape = a.response;
  const description = a.summary || 'Success.';
  if (a.status === 204 || (shape.shape === 'empty' && !sink.style.wrapsBodies)) return { description };
  switch (shape.shape) {
    case 'empty':
      return { description, content: jsonContent(sink, { type: 'null' }) };
    case 'resource':
      return { description, content: jsonContent(sink, many(ref(schemaNames(resourceOf(sink, shape.resource)).read), shape.many)) };
    case 'page':
      return { description, content: { 'application/json': { schema: ref(schemaNames(resourceOf(sink, shape.resource)).page) } } };
    case 'object': {
      const s = defineSchema(
        sink,
        shape.name,
        objectSchema(shape.fields, { service: sink.service, direction: 'read' }, (f) => f.required),
      );
      return { description, content: jsonContent(sink, many(s, shape.many)) };
    }
    case 'multipart':
      throw new Error(`openapi: action ${a.operationId} cannot answer with multipart`);
    case 'file':
      return { description, content: { [shape.contentType]: { schema: binary } } };
  }
}

function paramSchema(sink: OperationSink, a: ActionNode, f: FieldNode): JsonSchema {
  // `{id}` of an item action is the owning resource's id, whatever type the IR gave the param.
  if (f.name === 'id' && a.resource) return idSchema(resourceOf(sink, a.resource), sink.service);
  return fieldSchema({ ...f, description: undefined }, { service: sink.service, direction: 'query' });
}

/**
 * Whether the query or body names a record by id (a reference, `id` or `<thing>_id`): the handler looks it up
 * and answers 404 when it does not exist, as for a path id.
 */
function namesRecord(a: ActionNode): boolean {
  const names = (f: FieldNode) => f.type === 'ref' || f.name === 'id' || f.name.endsWith('_id');
  const shape = a.request;
  const bodyFields = a.method !== 'GET' && (shape.shape === 'object' || shape.shape === 'multipart') ? shape.fields : [];
  return a.query.some(names) || bodyFields.some(names);
}

export function addActionOperation(sink: OperationSink, a: ActionNode): void {
  const resource = a.resource ? resourceOf(sink, a.resource) : undefined;
  const tenant = !a.public && (resource ? resource.scope !== 'global' : true);
  const parameters: JsonSchema[] = [
    ...tenancyParams(sink, tenant),
    ...a.pathParams.map((f) => ({
      name: f.name,
      in: 'path',
      required: true,
      ...(f.description ? { description: f.description } : {}),
      schema: paramSchema(sink, a, f),
    })),
    ...a.query.map((f) => ({
      name: f.name,
      in: 'query',
      required: f.required,
      ...(f.description ? { description: f.description } : {}),
      schema: fieldSchema({ ...f, description: undefined }, { service: sink.service, direction: 'query' }),
    })),
  ];
  const body = a.method === 'GET' ? undefined : requestBody(sink, a.request);
  const errors = new Set<number>(a.errors);
  if (a.query.length > 0 || body) errors.add(400);
  // A public endpoint that takes input may be handed a ticket, token or signature to check.
  if (!a.public) [401, 403].forEach((s) => errors.add(s));
  else if (a.query.length > 0 || body) sink.style.publicErrors.forEach((s) => errors.add(s));
  if (a.pathParams.length > 0 || namesRecord(a)) errors.add(404);
  if (a.pathParams.length > 0 && a.method !== 'GET') sink.style.recordWriteErrors.forEach((s) => errors.add(s));
  if (a.response.shape === 'page') sink.style.listErrors.forEach((s) => errors.add(s));
  const op: Record<string, unknown> = {
    operationId: a.operationId,
    summary: a.summary,
    ...(a.description ? { description: a.description } : {}),
    tags: [a.tag],
    ...(a.public ? { security: [] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: {
      [a.status]: successResponse(sink, a),
      ...Object.fromEntries((a.alsoStatus ?? []).map((s) => [s, successResponse(sink, a)])),
      ...errorResponses(sink, errors, body !== undefined),
    },
    ...(a.permission ? { 'x-permission': a.permission } : {}),
  };
  addOperation(sink, `/${a.path.replace(/^\/+/, '')}`, a.method.toLowerCase(), op);
}

/** `{<id key>: id, deleted: true}` (or `{deleted: true}`) of a generic delete with a body. */
function deletedSchema(r: ResourceNode, service: ServiceNode): JsonSchema {
  const key = r.deleteAnswer?.idKey;
  const id = idSchema(r, service);
  return {
    type: 'object',
    required: [...(key ? [key] : []), 'deleted'],
    properties: { ...(key ? { [key]: id } : {}), deleted: { type: 'boolean', const: true } },
  };
}
