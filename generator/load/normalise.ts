/**
 * Catalogue → IR. Runs only on a catalogue that passed the checks, so it trusts its input; what it
 * can still find wrong (derived names that collide) it reports through `report`.
 * The result is deeply frozen: emitters share it and must never change it.
 */
import type { Diagnostic } from '../diagnostics.ts';
import type { ResourceSpec } from './meta-schema.ts';
import { resolveRef, resourcePath, type RawCatalogue, type RawModule, type RawService } from './raw-catalogue.ts';
import type { ActionNode } from '../ir/action-node.ts';
import type { CatalogueNode } from '../ir/catalogue-node.ts';
import type { RefTarget } from '../ir/field-node.ts';
import type { ModuleNode } from '../ir/module-node.ts';
import type { RawSqlNode } from '../ir/raw-sql-node.ts';
import { normaliseAction } from './normalise-actions.ts';
import { declaredFields, systemFields } from './normalise-fields.ts';
import { camelCase } from '../shared/naming.ts';
import { resourceId, tableName, typeName } from './normalise-names.ts';
import { settleServiceNames } from './normalise-unique.ts';
import { CRUD_OPERATIONS, type ResourceNode } from '../ir/resource-node.ts';
import type { ServiceNode } from '../ir/service-node.ts';
import { byKey, compareStrings } from '../shared/ordering.ts';
import { STYLE_CONVENTIONS } from '../shared/style-conventions.ts';

export type Reporter = (d: Diagnostic) => void;

export function normalise(raw: RawCatalogue, report: Reporter = () => {}): CatalogueNode {
  const services = raw.services.map((s) => normaliseService(s, report)).sort(byKey((s) => s.name));
  return deepFreeze({ kind: 'catalogue', services });
}

function normaliseService(s: RawService, report: Reporter): ServiceNode {
  const spec = s.spec;
  const trailingSlash = spec.trailing_slash ?? STYLE_CONVENTIONS[spec.style].trailingSlash;
  const modules = s.modules.map((m) => normaliseModule(s, m, trailingSlash)).sort(byKey((m) => m.name));
  const settled = settleServiceNames(modules, report);
  const resources = settled.flatMap((m) => m.resources).sort(byKey((r) => r.path));
  const actions = [...resources.flatMap((r) => r.actions), ...settled.flatMap((m) => m.actions)].sort(byPathMethod);
  return {
    kind: 'service',
    name: spec.service,
    title: spec.title,
    version: spec.version,
    description: spec.description ?? '',
    basePath: spec.base_path,
    style: spec.style,
    trailingSlash,
    idStyle: spec.id_style ?? 'serial',
    auth: [...spec.auth],
    tenantHeader: spec.tenant_header ?? null,
    appHeader: spec.app_header ?? null,
    apiKeyHeader: spec.api_key_header ?? null,
    citus: spec.citus ?? false,
    products: (spec.products ?? []).map((p) => ({ kind: 'product', code: p.code, name: p.name })),
    modules: settled,
    resources,
    actions,
    sourceFile: s.source.file,
  };
}

function normaliseModule(s: RawService, m: RawModule, trailingSlash: boolean): ModuleNode {
  const spec = m.spec;
  const resources = Object.entries(spec.resources ?? {})
    .map(([key, r]) => normaliseResource(s, m, key, r, trailingSlash))
    .sort(byKey((r) => r.path));
  const actions = Object.entries(spec.actions ?? {})
    .map(([name, a]) => normaliseAction(name, a, { service: s, module: m, trailingSlash, tag: spec.title, yamlPath: ['actions'] }))
    .sort(byPathMethod);
  return {
    kind: 'module',
    service: s.spec.service,
    name: spec.module,
    title: spec.title,
    product: spec.product ?? null,
    resources,
    actions,
    sourceFile: m.source.file,
  };
}

function normaliseResource(s: RawService, m: RawModule, key: string, r: ResourceSpec, trailingSlash: boolean): ResourceNode {
  const service = s.spec.service;
  const module = m.spec.module;
  const path = resourcePath(m.spec, key, r);
  const idStyle = r.id_style ?? s.spec.id_style ?? 'serial';
  const softDelete = r.soft_delete ?? true;
  const scope = r.scope ?? 'company';
  const loc = m.source.locate(['resources', key]);
  const fields = [
    ...systemFields({
      service,
      scope,
      idStyle,
      softDelete,
      serviceIdStyle: s.spec.id_style ?? 'serial',
      tenantOptional: r.tenant_optional ?? false,
      companies: coreTarget(s, m, 'companies'),
      workspaces: coreTarget(s, m, 'workspaces'),
      hideTenancy: !STYLE_CONVENTIONS[s.spec.style].tenancyOnWire,
      loc,
    }),
    ...declaredFields(r.fields, { service: s, module: m, path: ['resources', key, 'fields'], scope }),
  ];
  const ops = r.operations ?? CRUD_OPERATIONS.filter((o) => o !== 'restore' || softDelete);
  const actions = Object.entries(r.actions ?? {})
    .map(([name, a]) =>
      normaliseAction(name, a, {
        service: s,
        module: m,
        trailingSlash,
        tag: m.spec.title,
        resource: { key, path, idStyle, scope },
        yamlPath: ['resources', key, 'actions'],
      }),
    )
    .sort(byPathMethod);
  return {
    kind: 'resource',
    id: resourceId(service, module, key),
    service,
    module,
    name: key,
    model: r.model,
    typeName: typeName(module, r.model),
    path,
    table: tableName(m.spec, key, r),
    scope,
    idStyle,
    ...(r.id_prefix !== undefined ? { idPrefix: r.id_prefix } : {}),
    product: m.spec.product ?? null,
    fields,
    operations: CRUD_OPERATIONS.filter((o) => ops.includes(o)),
    listShape: typeof r.list_shape === 'object' ? { named: r.list_shape.named } : (r.list_shape ?? 'page'),
    // Only a delete in a style whose deletes carry a body says what it deleted: the generic delete always,
    // a named delete handler when the catalogue declares its answer (`delete_answer:`).
    deleteAnswer:
      STYLE_CONVENTIONS[s.spec.style].deleteStatus === 204 || (r.handlers?.delete && !r.delete_answer) || !ops.includes('delete')
        ? null
        : { idKey: r.delete_answer?.id === false ? null : (r.delete_answer?.id ?? 'id') },
    softDelete,
    ordering: r.ordering?.length ? [...r.ordering] : ['-created_at'],
    uniqueTogether: (r.unique_together ?? []).map((u) => [...u]),
    access: {
      read: r.access?.read ?? (r.tenant_root ? 'authenticated' : defaultAccess(s, scope).read),
      write: r.access?.write ?? (r.tenant_root ? 'permission' : defaultAccess(s, scope).write),
      // Per-operation overrides appear only when the catalogue declares them.
      ...(r.access?.create ? { create: r.access.create } : {}),
      ...(r.access?.delete ? { delete: r.access.delete } : {}),
    },
    tenantRoot: r.tenant_root ?? false,
    tenantOptional: r.tenant_optional ?? false,
    handlers: Object.fromEntries(Object.entries(r.handlers ?? {}).sort(([a], [b]) => compareStrings(a, b))),
    multipart: CRUD_OPERATIONS.filter((o) => (r.multipart ?? []).includes(o)),
    permissions: {
      view: `${module}.${key}.view`,
      add: `${module}.${key}.add`,
      change: `${module}.${key}.change`,
      delete: `${module}.${key}.delete`,
    },
    actions,
    seed: (r.seed ?? []).map((row) => ({ ...row })),
    demo: (r.demo ?? []).map((row) => ({ ...row })),
    ...(r.sql ? { sql: rawSql(r.sql) } : {}),
    summary: r.summary ?? `${r.model} records.`,
    ...(r.description !== undefined ? { description: r.description } : {}),
    tag: m.spec.title,
    sdkPath: [camelCase(module), camelCase(key)],
    operationIdBase: camelCase(path),
    loc,
  };
}

/**
 * Tenant data is guarded by permissions; global data of a tenanted service is a shared catalogue any
 * signed-in caller reads and only superusers write. A service without tenancy leaves both to its
 * auth provider's permissions (RoomLoop's roles).
 */
/** Catalogue `sql:` blocks → nodes sorted by name (statement text kept as written). */
function rawSql(blocks: NonNullable<ResourceSpec['sql']>): RawSqlNode[] {
  return Object.entries(blocks)
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([name, b]) => ({ kind: 'raw_sql', name, up: [...b.up], down: [...b.down] }));
}

function defaultAccess(s: RawService, scope: string): ResourceNode['access'] {
  if (scope !== 'global' || !s.spec.tenant_header) return { read: 'permission', write: 'permission' };
  return { read: 'authenticated', write: 'superuser' };
}

/** `company`/`workspace` columns reference core tables when the service declares them. */
function coreTarget(s: RawService, from: RawModule, key: string): RefTarget | null {
  const r = resolveRef(s, from, `core.${key}`);
  if (!r) return null;
  return {
    resource: resourceId(s.spec.service, 'core', key),
    table: tableName(r.module.spec, key, r.resource),
    column: 'id',
    onDelete: 'restrict',
  };
}

function byPathMethod(a: ActionNode, b: ActionNode): number {
  return compareStrings(a.path, b.path) || compareStrings(a.method, b.method);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
