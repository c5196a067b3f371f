/**
 * The data of a ResourceDescriptor / ActionDescriptor (runtime/descriptor.ts), computed from the IR
 * at generation time so the runtime interprets nothing per request: column lists, the filter map
 * (`field__op` → column/op/type), search columns, orderable fields, default ordering as columns.
 */
import type { ActionNode, FieldNode, ModuleNode, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { actionValidatorNames, resourceDescriptorName, resourceValidatorNames } from '../names.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { filterKey } from '../shared/list-query.ts';
import { code, rows, type Code } from '../shared/print-literal.ts';

function sortedRecord<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries(entries.sort(([a], [b]) => compareStrings(a, b)));
}

/**
 * The IR types `workspace` as a plain integer; when the service has a `workspaces` resource the
 * descriptor names its table, so the runtime's reference check also proves the workspace is the company's.
 */
function workspaceTable(service: ServiceNode): string | undefined {
  return service.resources.find((r) => r.name === 'workspaces')?.table;
}

function columnData(f: FieldNode, service: ServiceNode) {
  const refTable = f.ref?.table ?? (f.system && f.name === 'workspace' ? workspaceTable(service) : undefined);
  return {
    name: f.name,
    column: f.column,
    type: f.type,
    system: f.system,
    readOnly: f.readOnly,
    writeOnly: f.writeOnly,
    ref: f.ref?.resource,
    refTable,
    default: f.default,
    generate: f.generate ? { ...f.generate } : undefined,
  };
}

/** `-starts_at` → `-starts_at`, `service` → `service_id`: default ordering in column names. */
function orderingColumns(r: ResourceNode): string[] {
  return r.ordering.map((o) => {
    const desc = o.startsWith('-');
    const name = desc ? o.slice(1) : o;
    const f = r.fields.find((x) => x.name === name);
    return `${desc ? '-' : ''}${f ? f.column : name}`;
  });
}

export function resourceDescriptorData(r: ResourceNode, service: ServiceNode) {
  const v = resourceValidatorNames(r);
  return {
    id: r.id,
    service: r.service,
    module: r.module,
    name: r.name,
    model: r.model,
    table: r.table,
    scope: r.scope,
    idStyle: r.idStyle,
    idPrefix: r.idStyle === 'prefixed' ? r.idPrefix : undefined,
    product: r.product,
    softDelete: r.softDelete,
    columns: rows(r.fields.map((f) => columnData(f, service))),
    selectColumns: r.fields.filter((f) => !f.writeOnly).map((f) => f.column),
    filters: sortedRecord(
      r.fields.flatMap((f) =>
        f.filter.map((op): [string, { column: string; op: string; type: string }] => [
          filterKey(f, op),
          { column: f.column, op, type: f.type },
        ]),
      ),
    ),
    searchColumns: r.fields.filter((f) => f.search).map((f) => f.column),
    orderable: sortedRecord(r.fields.filter((f) => f.orderable).map((f): [string, string] => [f.name, f.column])),
    defaultOrdering: orderingColumns(r),
    permissions: { ...r.permissions },
    // Printed only when set, so descriptors of plain resources stay as they were.
    tenantRoot: r.tenantRoot || undefined,
    tenantOptional: r.tenantOptional || undefined,
    handlers: Object.keys(r.handlers).length ? { ...r.handlers } : undefined,
    multipart: r.multipart.length ? [...r.multipart] : undefined,
    listShape: r.listShape === 'page' ? undefined : r.listShape,
    deleteAnswer: r.deleteAnswer ?? undefined,
    validators: {
      create: code(v.create),
      update: code(v.update),
      partialUpdate: code(v.partialUpdate),
      listQuery: code(v.listQuery),
    },
  };
}

export function actionDescriptorData(a: ActionNode, module: ModuleNode, service: ServiceNode) {
  const resource = a.resource ? service.resources.find((r) => r.id === a.resource) : undefined;
  const validators = actionValidatorNames(a);
  const toCode = (s: string | undefined): Code | undefined => (s ? code(s) : undefined);
  return {
    id: resource ? `${resource.id}.${a.name}` : `${service.name}.${module.name}.${a.name}`,
    service: service.name,
    module: module.name,
    name: a.name,
    method: a.method,
    on: a.on,
    resource: resource ? code(resourceDescriptorName(resource)) : undefined,
    handler: a.handler,
    permission: a.permission,
    public: a.public,
    product: resource ? resource.product : module.product,
    status: a.status,
    validators: { query: toCode(validators.query), body: toCode(validators.body) },
  };
}
