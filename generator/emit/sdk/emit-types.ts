/**
 * `types.ts`: request and response types of a service, named as the OpenAPI component schemas
 * (`schemaNames()`), plus list-query and action types. Plain `export interface`/`type` only, so the
 * file costs nothing at run time and little at type-check time (no deep indexed-access chains).
 */
import type { CrudOperation, ServiceNode, ShapeNode } from '../../ir/index.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { STYLE_CONVENTIONS, listType } from '../../shared/style-conventions.ts';
import { header, type GeneratedFile } from '../generated-file.ts';
import { schemaNames } from '../names.ts';
import { readableFields, writableFields } from '../shared/fields.ts';
import { listQueryName, serviceDir } from './sdk-names.ts';
import { TypeScope, actionTypeNames, bodyDirection, doc, listQueryBody, objectBody } from './ts-types.ts';

export function emitTypes(service: ServiceNode, dir: string): GeneratedFile {
  const scope = new TypeScope(service);
  const style = STYLE_CONVENTIONS[service.style];
  const decls = new Map<string, string>();
  const add = (name: string, text: string) => {
    if (decls.has(name) && decls.get(name) !== text) throw new Error(`sdk: type ${name} declared twice with different shapes`);
    decls.set(name, text);
  };

  // Which resources' create bodies are used by actions (the OpenAPI emitter defines those on demand).
  const createdByAction = new Set(service.actions.flatMap((a) => (a.request.shape === 'resource' ? [a.request.resource] : [])));
  for (const r of service.resources) {
    const n = schemaNames(r);
    const has = (op: CrudOperation) => r.operations.includes(op);
    const write = writableFields(r);
    add(n.read, `${doc(r.summary, '')}export interface ${n.read} ${objectBody(readableFields(r), scope, 'read', (f) => !f.nullable)}`);
    // Multipart bodies type file fields as Blob (the SDK sends them as FormData).
    if (has('create') || createdByAction.has(r.id))
      add(n.create, `export interface ${n.create} ${objectBody(write, scope, bodyDirection(r, 'create'), (f) => f.required)}`);
    if (has('update'))
      add(n.update, `export interface ${n.update} ${objectBody(write, scope, bodyDirection(r, 'update'), (f) => f.required)}`);
    if (has('partial_update'))
      add(n.partialUpdate, `export interface ${n.partialUpdate} ${objectBody(write, scope, 'write', () => false)}`);
    const page = listType(style, r.listShape, n.read);
    // A plain-array list answer cannot be an interface body.
    add(n.page, page.startsWith('{') ? `export interface ${n.page} ${page}` : `export type ${n.page} = ${page};`);
    add(listQueryName(r), `export type ${listQueryName(r)} = ${listQueryBody(r, scope, style.pagination)};`);
  }

  for (const a of service.actions) {
    const names = actionTypeNames(a, scope);
    if (names.query) add(names.query, `export type ${names.query} = ${objectBody(a.query, scope, 'query', (f) => f.required)};`);
    if (a.method !== 'GET' && a.request.shape === 'object') addObject(a.request, 'write');
    if (a.response.shape === 'object') addObject(a.response, 'read');
  }
  function addObject(s: Extract<ShapeNode, { shape: 'object' }>, dir: 'read' | 'write') {
    add(s.name, `export interface ${s.name} ${objectBody(s.fields, scope, dir, (f) => f.required)}`);
  }

  const body = [...decls.keys()]
    .sort(compareStrings)
    .map((k) => decls.get(k)!)
    .join('\n\n');
  return { path: `${dir}/types.ts`, contents: `${header(serviceDir(service))}\n${body}\n` };
}
