/**
 * Service-wide uniqueness of derived names: type names, routes, operation ids and SDK method names.
 * An action on a resource's collection or item route is named like the CRUD operation it stands for; other
 * action operation ids that collide get the suffix of the CRUD operation their method stands for
 * (`objectTypesPropertiesList`/`objectTypesPropertiesCreate`);
 * any collision left after that is an error, because emitters key files and exports by these names.
 */
import { diagnostic, type Diagnostic } from '../diagnostics.ts';
import type { ActionNode } from '../ir/action-node.ts';
import type { ModuleNode } from '../ir/module-node.ts';
import { withOperationId } from './normalise-actions.ts';
import { CRUD_OPERATION_SUFFIX } from './normalise-names.ts';
import type { CrudOperation, ResourceNode } from '../ir/resource-node.ts';
import type { SourceLocation } from '../ir/source-location.ts';

const CRUD_ROUTES: Record<CrudOperation, { method: string; item: boolean; suffix?: string }> = {
  list: { method: 'GET', item: false },
  create: { method: 'POST', item: false },
  retrieve: { method: 'GET', item: true },
  update: { method: 'PUT', item: true },
  partial_update: { method: 'PATCH', item: true },
  delete: { method: 'DELETE', item: true },
  restore: { method: 'POST', item: true, suffix: 'restore' },
};
const CRUD_SDK_NAMES = ['list', 'create', 'retrieve', 'update', 'partialUpdate', 'delete', 'restore'];

export function settleServiceNames(modules: readonly ModuleNode[], report: (d: Diagnostic) => void): ModuleNode[] {
  const resources = modules.flatMap((m) => m.resources);
  checkUnique(
    resources,
    (r) => r.typeName,
    (r, other) => report(diagnostic('duplicate-type-name', at(r.loc), { name: r.typeName, other: where(other) })),
  );
  const samePath = new Set<ResourceNode>();
  checkUnique(
    resources,
    (r) => r.path,
    (r, other) => {
      samePath.add(r);
      report(diagnostic('duplicate-path', at(r.loc), { method: 'resource', path: r.path, other: where(other) }));
    },
  );

  // Operation ids: CRUD ids are fixed; action ids get a method suffix where actions collide with each other.
  const taken = new Map<string, { loc?: SourceLocation }>();
  // A resource already reported for its path would only repeat that error here.
  for (const r of resources.filter((x) => !samePath.has(x))) {
    for (const op of r.operations) claim(taken, `${r.operationIdBase}${CRUD_OPERATION_SUFFIX[op]}`, r, report);
  }
  const actions = [...resources.flatMap((r) => r.actions), ...modules.flatMap((m) => m.actions)];
  const count = new Map<string, number>();
  for (const a of actions) count.set(a.operationId, (count.get(a.operationId) ?? 0) + 1);
  const renamed = new Map<ActionNode, ActionNode>();
  const onRoute = crudLikeId(resources);
  for (const a of actions) {
    const id =
      onRoute(a) ?? (count.get(a.operationId)! > 1 ? `${a.operationId}${CRUD_OPERATION_SUFFIX[crudLikeOperation(a)]}` : a.operationId);
    const settled = id === a.operationId ? a : withOperationId(a, id);
    renamed.set(a, settled);
    claim(taken, id, a, report);
  }

  checkRoutes(resources, actions, report);
  checkSdkNames(modules, report);

  const swap = (list: readonly ActionNode[]) => list.map((a) => renamed.get(a) ?? a);
  return modules.map((m) => {
    const rs = m.resources.map((r) => (r.actions.length ? { ...r, actions: swap(r.actions) } : r));
    return { ...m, resources: rs, actions: swap(m.actions) };
  });
}

const METHOD_OPERATION: Readonly<Record<string, { collection?: CrudOperation; item?: CrudOperation }>> = {
  GET: { collection: 'list', item: 'retrieve' },
  POST: { collection: 'create' },
  PUT: { item: 'update' },
  PATCH: { item: 'partial_update' },
  DELETE: { item: 'delete' },
};

/**
 * The CRUD operation an action on a path shared with other actions stands for: by method, and for GET by
 * whether it answers a list (`objectTypesPropertiesList`) or one thing (`authConfigRetrieve`).
 */
function crudLikeOperation(a: ActionNode): CrudOperation {
  const item = /\{[^}/]+\}\/?$/.test(a.path);
  const many = a.response.shape === 'page' || ((a.response.shape === 'resource' || a.response.shape === 'object') && a.response.many);
  const op =
    METHOD_OPERATION[a.method]?.[item ? 'item' : 'collection'] ??
    METHOD_OPERATION[a.method]?.item ??
    METHOD_OPERATION[a.method]?.collection;
  if (a.method === 'GET') return many ? 'list' : 'retrieve';
  return op ?? 'create';
}

/**
 * An action served on a resource's own collection or item route (`POST /reservations`, `PATCH /reservations/{id}`)
 * is named like the CRUD operation it stands for (`reservationsCreate`), not by its path alone (`reservations`).
 */
function crudLikeId(resources: readonly ResourceNode[]): (a: ActionNode) => string | undefined {
  const byPath = new Map(resources.map((r) => [r.path.replace(/\/+$/, ''), r]));
  return (a) => {
    const bare = a.path.replace(/\/+$/, '');
    const item = /\/\{[^}/]+\}$/.test(bare);
    const r = byPath.get(item ? bare.replace(/\/\{[^}/]+\}$/, '') : bare);
    const op = METHOD_OPERATION[a.method]?.[item ? 'item' : 'collection'];
    // A route the resource serves itself is reported as a duplicate route, not twice.
    return r && op && !r.operations.includes(op) ? `${r.operationIdBase}${CRUD_OPERATION_SUFFIX[op]}` : undefined;
  };
}

function claim(taken: Map<string, { loc?: SourceLocation }>, id: string, owner: { loc?: SourceLocation }, report: (d: Diagnostic) => void) {
  const other = taken.get(id);
  if (other) report(diagnostic('duplicate-operation-id', at(owner.loc), { name: id, other: where(other) }));
  else taken.set(id, owner);
}

/** Same method on the same route (params compared by position, not name) is ambiguous. */
function checkRoutes(resources: readonly ResourceNode[], actions: readonly ActionNode[], report: (d: Diagnostic) => void) {
  // Resources with a duplicate path were reported already; their later CRUD routes are not re-registered.
  const routes = new Map<string, { loc?: SourceLocation }>();
  const key = (method: string, path: string) => `${method} ${path.replace(/\{[^}]*\}/g, '{}').replace(/\/$/, '')}`;
  for (const r of resources) {
    for (const op of r.operations) {
      const c = CRUD_ROUTES[op];
      const k = key(c.method, [r.path, c.item ? '{}' : '', c.suffix ?? ''].filter(Boolean).join('/'));
      if (!routes.has(k)) routes.set(k, r);
    }
  }
  for (const a of actions) {
    const k = key(a.method, a.path);
    const other = routes.get(k);
    if (other) report(diagnostic('duplicate-path', at(a.loc), { method: a.method, path: a.path, other: where(other) }));
    else routes.set(k, a);
  }
}

/** SDK methods share a namespace with CRUD methods (resource) or with resource namespaces (module). */
function checkSdkNames(modules: readonly ModuleNode[], report: (d: Diagnostic) => void) {
  for (const m of modules) {
    for (const r of m.resources) {
      const names = new Map<string, string>(CRUD_SDK_NAMES.map((n) => [n, `the CRUD method of ${r.id}`]));
      for (const a of r.actions) sdkClaim(names, a, report);
    }
    const names = new Map<string, string>(m.resources.map((r) => [r.sdkPath[r.sdkPath.length - 1]!, `the namespace of ${r.id}`]));
    for (const a of m.actions) sdkClaim(names, a, report);
  }
}

function sdkClaim(names: Map<string, string>, a: ActionNode, report: (d: Diagnostic) => void) {
  const other = names.get(a.sdkName);
  if (other) report(diagnostic('duplicate-sdk-name', at(a.loc), { name: a.sdkName, other }));
  else names.set(a.sdkName, `action at ${where(a)}`);
}

function checkUnique<T extends { loc?: SourceLocation }>(items: readonly T[], key: (t: T) => string, onDup: (t: T, other: T) => void) {
  const seen = new Map<string, T>();
  for (const t of items) {
    const other = seen.get(key(t));
    if (other) onDup(t, other);
    else seen.set(key(t), t);
  }
}

function at(loc: SourceLocation | undefined): SourceLocation {
  return loc ?? { file: '<catalogue>', line: 1, column: 1 };
}

function where(x: { loc?: SourceLocation }): string {
  return x.loc ? `${x.loc.file}:${x.loc.line}:${x.loc.column}` : 'another declaration';
}
