/**
 * TypeScript type expressions for IR fields and shapes. Names mirror the OpenAPI component schemas
 * (`schemaNames()` in names.ts), so `types.ts` can be checked against openapi.json.
 */
import type { ActionNode, FieldNode, FieldType, ResourceNode, ServiceNode, ShapeNode } from '../../ir/index.ts';
import { compareStrings } from '../../shared/ordering.ts';
import type { PaginationParam } from '../../shared/style-conventions.ts';
import { pascalCase, schemaNames } from '../names.ts';
import { DELETED_PARAM_VALUES, filterKey, orderingValues, searchable } from '../shared/list-query.ts';

/** Looks up resources by qualified id; refs and shapes name their targets that way. */
export class TypeScope {
  private readonly byId: ReadonlyMap<string, ResourceNode>;
  constructor(readonly service: ServiceNode) {
    this.byId = new Map(service.resources.map((r) => [r.id, r]));
  }
  resource(id: string): ResourceNode {
    const r = this.byId.get(id);
    if (!r) throw new Error(`sdk: unknown resource ${id} in service ${this.service.name}`);
    return r;
  }
  idType(r: ResourceNode): string {
    return r.idStyle === 'prefixed' ? 'string' : 'number';
  }
}

/**
 * As in the OpenAPI emitter: `read` response, `write` JSON body, `query` parameter, `multipart` a
 * multipart/form-data body (create/update of resources listing the operation under `multipart:`).
 */
export type Direction = 'read' | 'write' | 'query' | 'multipart';

const str = () => 'string';
/** `'a' | 'b'`: a union of string literal types. */
const literals = (values: readonly string[]) => values.map((v) => `'${v}'`).join(' | ');
/** Every field type must have a mapping, so a new type without one does not compile (mirrors openapi/field-schema.ts). */
const FIELD_TS: Record<FieldType, (f: FieldNode, scope: TypeScope, dir: Direction) => string> = {
  string: str,
  text: str,
  email: str,
  url: str,
  uuid: str,
  date: str,
  datetime: str,
  time: str,
  // Decimals travel as strings so no precision is lost; JSON bodies may also send numbers (form fields are text).
  decimal: (_f, _s, dir) => (dir === 'write' ? 'string | number' : 'string'),
  // File fields read back as a URL; a multipart body carries the upload itself (`format: binary`).
  file: (_f, _s, dir) => (dir === 'multipart' ? 'Blob' : 'string'),
  integer: () => 'number',
  boolean: () => 'boolean',
  // In a multipart body a JSON field is a part holding JSON text (as the OpenAPI document types it).
  json: (_f, _s, dir) => (dir === 'multipart' ? 'string' : 'unknown'),
  enum: (f) => literals([...(f.enumValues ?? [])].sort(compareStrings)) || 'string',
  ref: (f, scope) => (f.ref ? scope.idType(scope.resource(f.ref.resource)) : 'number'),
};

export function fieldType(f: FieldNode, scope: TypeScope, dir: Direction): string {
  const base = FIELD_TS[f.type](f, scope, dir);
  return f.nullable && base !== 'unknown' ? `${base} | null` : base;
}

const propName = (n: string) => (/^[A-Za-z_$][\w$]*$/.test(n) ? n : JSON.stringify(n));

function doc(text: string | undefined, indent: string): string {
  return text ? `${indent}/** ${text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim()} */\n` : '';
}

/** An object type body over `fields`; `required` names the members that must be present. */
export function objectBody(fields: readonly FieldNode[], scope: TypeScope, dir: Direction, required: (f: FieldNode) => boolean): string {
  // Server-set fields are `readonly` in responses, as openapi-typescript renders `readOnly: true`.
  const lines = fields.map(
    (f) =>
      `${doc(f.description, '  ')}  ${dir === 'read' && f.readOnly ? 'readonly ' : ''}${propName(f.name)}${required(f) ? '' : '?'}: ${fieldType(f, scope, dir)};`,
  );
  return lines.length ? `{\n${lines.join('\n')}\n}` : '{}';
}

/** Direction of a resource's create/update body, as in openapi/resource-schemas.ts. */
export const bodyDirection = (r: ResourceNode, op: 'create' | 'update'): Direction =>
  r.operations.includes(op) && r.multipart.includes(op) ? 'multipart' : 'write';

/** Query members of a resource list: the keys of emit/shared/list-query.ts and the style's page parameters. */
export function listQueryBody(r: ResourceNode, scope: TypeScope, pagination: readonly PaginationParam[]): string {
  const members: [string, string][] = pagination.map((p) => [p.name, p.type === 'integer' ? 'number' : 'string']);
  if (searchable(r)) members.push(['search', 'string']);
  const order = orderingValues(r);
  if (order.length) members.push(['ordering', literals(order)]);
  if (r.softDelete) members.push(['deleted', literals(DELETED_PARAM_VALUES)]);
  for (const f of r.fields) {
    const t = fieldType({ ...f, nullable: false }, scope, 'query');
    for (const op of f.filter) {
      const key = filterKey(f, op);
      const v =
        op === 'in'
          ? t.includes('|')
            ? `readonly (${t})[]`
            : `readonly ${t}[]`
          : op === 'isnull'
            ? 'boolean'
            : op === 'icontains'
              ? 'string'
              : t;
      members.push([key, v]);
    }
  }
  // A field filter wins over a generic parameter of the same name (a `format` field vs `?format=`).
  const unique = [...new Map(members).entries()].sort((a, b) => compareStrings(a[0], b[0]));
  return `{\n${unique.map(([k, v]) => `  ${propName(k)}?: ${v};`).join('\n')}\n}`;
}

/** Type name of an action's query, body and response; null when the action has none. */
export function actionTypeNames(a: ActionNode, scope: TypeScope) {
  const base = pascalCase(a.operationId);
  return {
    query: a.query.length ? `${base}Query` : null,
    body: a.method === 'GET' ? null : shapeType(a.request, scope, 'write'),
    response: shapeType(a.response, scope, 'read') ?? 'void',
  };
}

/** The TS type of a shape used as a request (`write`) or response (`read`); null for empty. */
export function shapeType(s: ShapeNode, scope: TypeScope, mode: 'read' | 'write'): string | null {
  switch (s.shape) {
    case 'resource': {
      const n = schemaNames(scope.resource(s.resource));
      const t = mode === 'read' ? n.read : n.create;
      return s.many ? `${t}[]` : t;
    }
    case 'page':
      return schemaNames(scope.resource(s.resource)).page;
    case 'object':
      return s.many ? `${s.name}[]` : s.name;
    case 'multipart':
      return 'FormData';
    case 'file':
      return 'Blob';
    case 'empty':
      return null;
  }
}

export { doc, propName };
