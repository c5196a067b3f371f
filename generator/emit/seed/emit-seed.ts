/**
 * seed.json: the rows an empty database starts with — each resource's `seed` rows (always) and
 * `demo` rows (only with `serve --demo`), the product catalogue and the permission catalogue.
 * Rows are keyed by SQL column (a ref `service: 1` becomes `service_id: 1`) so the runtime
 * loader (runtime/db/seed.ts) knows no catalogue rules. Tables come parents first.
 */
import type { ResourceNode, ServiceNode } from '../../ir/index.ts';
import { byKey } from '../../shared/ordering.ts';
import { header, type GeneratedFile } from '../generated-file.ts';

export interface SeedTable {
  readonly resource: string;
  readonly table: string;
  readonly scope: ResourceNode['scope'];
  readonly idStyle: ResourceNode['idStyle'];
  readonly idPrefix?: string;
  /** jsonb columns: the loader serialises their values (pg would send JS arrays as SQL arrays). */
  readonly jsonColumns: readonly string[];
  readonly seed: readonly Record<string, unknown>[];
  readonly demo: readonly Record<string, unknown>[];
}

export interface SeedPermission {
  readonly code: string;
  readonly name: string;
  readonly module: string;
  readonly resource: string | null;
}

export interface SeedFile {
  /** Provenance line, the JSON stand-in for the generated-file header. */
  readonly $comment: string;
  readonly service: string;
  readonly products: readonly { readonly code: string; readonly name: string }[];
  readonly permissions: readonly SeedPermission[];
  readonly tables: readonly SeedTable[];
}

export function seedPath(service: string): string {
  return `generated/${service}/seed.json`;
}

export function buildSeed(service: ServiceNode): SeedFile {
  const tables = parentsFirst(service.resources)
    .filter((r) => r.seed.length > 0 || r.demo.length > 0)
    .map((r): SeedTable => ({
      resource: r.id,
      table: r.table,
      scope: r.scope,
      idStyle: r.idStyle,
      ...(r.idPrefix ? { idPrefix: r.idPrefix } : {}),
      jsonColumns: r.fields
        .filter((f) => f.type === 'json')
        .map((f) => f.column)
        .sort(),
      seed: r.seed.map((row) => toColumns(r, row)),
      demo: r.demo.map((row) => toColumns(r, row)),
    }));
  const hasProducts = service.products.length > 0;
  return {
    $comment: header(`spec/${service.name}/`)
      .replace(/^\/\/ /, '')
      .trimEnd(),
    service: service.name,
    products: hasProducts ? [...service.products].map((p) => ({ code: p.code, name: p.name })).sort(byKey((p) => p.code)) : [],
    permissions: hasProducts ? permissionCatalogue(service) : [],
    tables,
  };
}

export function emitSeed(service: ServiceNode): GeneratedFile[] {
  return [{ path: seedPath(service.name), contents: `${JSON.stringify(buildSeed(service), null, 2)}\n` }];
}

/** Every resource's view/add/change/delete and every action permission, sorted by code. */
export function permissionCatalogue(service: ServiceNode): SeedPermission[] {
  const byCode = new Map<string, SeedPermission>();
  for (const r of service.resources) {
    const label = r.model.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
    for (const verb of ['view', 'add', 'change', 'delete'] as const) {
      const code = r.permissions[verb];
      byCode.set(code, { code, name: `Can ${verb} ${label}`, module: r.module, resource: r.name });
    }
  }
  for (const a of service.actions) {
    if (!a.permission || byCode.has(a.permission)) continue;
    const resource = a.resource ? service.resources.find((r) => r.id === a.resource) : undefined;
    const module = resource?.module ?? a.permission.split('.')[0]!;
    byCode.set(a.permission, { code: a.permission, name: a.summary.replace(/\.$/, ''), module, resource: resource?.name ?? null });
  }
  return [...byCode.values()].sort(byKey((p) => p.code));
}

/** Wire names → columns; keys without a field are kept as given (e.g. an explicit `id`). */
function toColumns(r: ResourceNode, row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(row).sort()) {
    const field = r.fields.find((f) => f.name === key);
    out[field?.column ?? key] = row[key];
  }
  return out;
}

/** Resources ordered so referenced tables load before the tables pointing at them. */
function parentsFirst(resources: readonly ResourceNode[]): ResourceNode[] {
  const sorted = [...resources].sort(byKey((r) => r.table));
  const byId = new Map(sorted.map((r) => [r.id, r]));
  const out: ResourceNode[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (r: ResourceNode) => {
    if (state.get(r.id)) return; // done, or a cycle: break it where we stand
    state.set(r.id, 'visiting');
    for (const f of r.fields) {
      const target = f.ref ? byId.get(f.ref.resource) : undefined;
      if (target && target !== r) visit(target);
    }
    state.set(r.id, 'done');
    out.push(r);
  };
  sorted.forEach(visit);
  return out;
}
