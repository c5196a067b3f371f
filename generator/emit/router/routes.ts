/**
 * The endpoints of a module as router lines, and the order Express must see them in.
 * Express tries routes in registration order, so a static segment must be registered before a
 * parameter in the same position (`notifications/templates/` before `notifications/:id/`) — within a
 * module by sorting, across modules by the mount order (mountOrder below).
 */
import type { ActionNode, CrudOperation, HttpMethod, ModuleNode, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { writeAccessOf } from '../../ir/index.ts';
import { actionDescriptorName, resourceDescriptorName } from '../names.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { quote } from '../shared/print-literal.ts';

export interface Route {
  readonly method: HttpMethod;
  /** Express 5 path, e.g. `/booking/services/:id/`. */
  readonly path: string;
  /** Middleware expressions in order. */
  readonly steps: readonly string[];
}

const METHOD_ORDER: Readonly<Record<HttpMethod, number>> = { GET: 0, POST: 1, PUT: 2, PATCH: 3, DELETE: 4 };

/** `booking/appointments/{id}/create-invoice/` → `/booking/appointments/:id/create-invoice/` (slash per service). */
export function expressPath(path: string, service: ServiceNode): string {
  const inner = path.replace(/^\/+|\/+$/g, '').replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, ':$1');
  if (inner === '') return '/';
  return `/${inner}${service.trailingSlash ? '/' : ''}`;
}

const isParam = (seg: string) => seg.startsWith(':');
// Split once per path: mountOrder compares every pair of routes of a service (~1,300 for LOOP).
const segmentCache = new Map<string, readonly string[]>();
const segments = (path: string): readonly string[] => {
  let s = segmentCache.get(path);
  if (!s) segmentCache.set(path, (s = path.split('/').filter(Boolean)));
  return s;
};

export function compareRoutes(a: Route, b: Route): number {
  const sa = segments(a.path);
  const sb = segments(b.path);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const pa = isParam(sa[i]!);
    const pb = isParam(sb[i]!);
    if (pa !== pb) return pa ? 1 : -1;
    if (!pa && sa[i] !== sb[i]) return compareStrings(sa[i]!, sb[i]!);
  }
  if (sa.length !== sb.length) return sa.length - sb.length;
  return METHOD_ORDER[a.method] - METHOD_ORDER[b.method];
}

/** True when `a`, registered first, would answer requests meant for `b`. */
export function shadows(a: Route, b: Route): boolean {
  if (a.method !== b.method) return false;
  const sa = segments(a.path);
  const sb = segments(b.path);
  if (sa.length !== sb.length) return false;
  let looser = false;
  for (let i = 0; i < sa.length; i++) {
    if (isParam(sa[i]!)) {
      if (!isParam(sb[i]!)) looser = true;
    } else if (isParam(sb[i]!) || sa[i] !== sb[i]) {
      return false;
    }
  }
  return looser;
}

type Perm = 'view' | 'add' | 'change' | 'delete';

/**
 * Steps before an operation's handler, by the resource's access (resource-node.ts):
 * reads: public → optionalAuth; authenticated → authenticate; permission → authenticate + permit(view).
 * writes: superuser → authenticate + requireSuperuser; permission → authenticate + permit(code).
 * `access.create` / `access.delete` override `write` for create / delete and restore (`authenticated`
 * create: signed in, no permission code). `rt.tenant` always runs (it also checks X-LOOP-APP-ID); a
 * tenant root's changes need the company selected by X-Company-ID, its reads list the caller's companies.
 */
function guard(r: ResourceNode, d: string, perm: Perm): string[] {
  const read = perm === 'view';
  const auth = read && r.access.read === 'public' ? 'rt.optionalAuth' : 'rt.authenticate';
  // A new tenant belongs to no selected company; its create is superuser-only unless `access.create` opens it.
  const tenant = r.tenantRoot && !read && perm !== 'add' ? `rt.tenant(${d}, 'required')` : `rt.tenant(${d})`;
  if (read) return [auth, tenant, ...(r.access.read === 'permission' ? [`rt.permit(${d}.permissions.view)`] : [])];
  const write = writeAccessOf(r, perm);
  const check = write === 'superuser' ? ['rt.requireSuperuser'] : write === 'authenticated' ? [] : [`rt.permit(${d}.permissions.${perm})`];
  return [auth, tenant, ...check];
}

/** Each CRUD operation's route: method, path, the permission it needs and the generic handler (`rt.crud.<generic>`). */
const CRUD_ROUTES: Readonly<Record<CrudOperation, { method: HttpMethod; at: 'list' | 'item' | 'restore'; perm: Perm; generic: string }>> = {
  list: { method: 'GET', at: 'list', perm: 'view', generic: 'list' },
  create: { method: 'POST', at: 'list', perm: 'add', generic: 'create' },
  retrieve: { method: 'GET', at: 'item', perm: 'view', generic: 'retrieve' },
  update: { method: 'PUT', at: 'item', perm: 'change', generic: 'update' },
  partial_update: { method: 'PATCH', at: 'item', perm: 'change', generic: 'partialUpdate' },
  delete: { method: 'DELETE', at: 'item', perm: 'delete', generic: 'destroy' },
  // Undoing a delete needs the delete permission (the runtime also requires an owner/admin role).
  restore: { method: 'POST', at: 'restore', perm: 'delete', generic: 'restore' },
};

function resourceRoutes(r: ResourceNode, service: ServiceNode): Route[] {
  const d = resourceDescriptorName(r);
  const paths = {
    list: expressPath(r.path, service),
    item: expressPath(`${r.path}/{id}`, service),
    restore: expressPath(`${r.path}/{id}/restore`, service),
  };
  // Restore exists only where DELETE hides rows.
  return r.operations
    .filter((op) => op !== 'restore' || r.softDelete)
    .map((op) => {
      const { method, at, perm, generic } = CRUD_ROUTES[op];
      // A retried create would insert twice, so only create is replayed by Idempotency-Key; the other writes are idempotent.
      const replay = op === 'create' ? ['rt.idempotent'] : [];
      // The resource's named handler for that operation (catalogue `handlers:`), or the generic one.
      const step = r.handlers[op] ? `rt.crud.handler(${d}, ${quote(op)})` : `rt.crud.${generic}(${d})`;
      return { method, path: paths[at], steps: [...guard(r, d, perm), ...replay, step] };
    });
}

/** Tenancy an action gets without saying: required for tenant resources and product modules. */
function defaultTenancy(resource: ResourceNode | undefined, module: ModuleNode): ActionNode['tenant'] {
  if (resource) return resource.scope === 'global' ? 'none' : 'required';
  return module.product ? 'required' : 'none';
}

function actionRoute(a: ActionNode, module: ModuleNode, service: ServiceNode): Route {
  const d = actionDescriptorName(a);
  const path = expressPath(a.path, service);
  if (a.public) return { method: a.method, path, steps: ['rt.optionalAuth', `rt.action(${d})`] };
  const resource = a.resource ? service.resources.find((r) => r.id === a.resource) : undefined;
  // Module actions have no resource: gated by the module's product, global when it has none.
  const scope = resource
    ? resourceDescriptorName(resource)
    : `{ scope: ${quote(module.product ? 'company' : 'global')}, product: ${module.product ? quote(module.product) : 'null'} }`;
  // The mode is printed only when it differs from what the scope implies, so most lines stay short.
  const mode = a.tenant === defaultTenancy(resource, module) ? '' : `, ${quote(a.tenant)}`;
  const steps = ['rt.authenticate', `rt.tenant(${scope}${mode})`];
  if (a.permission) steps.push(`rt.permit(${d}.permission)`);
  if (a.method === 'POST') steps.push('rt.idempotent');
  steps.push(`rt.action(${d})`);
  return { method: a.method, path, steps };
}

export function moduleRoutes(module: ModuleNode, service: ServiceNode): Route[] {
  const routes = [
    ...module.resources.flatMap((r) => [...resourceRoutes(r, service), ...r.actions.map((a) => actionRoute(a, module, service))]),
    ...module.actions.map((a) => actionRoute(a, module, service)),
  ];
  return routes.sort(compareRoutes);
}

/**
 * Mount order of module routers: a module whose route would be shadowed by another module's looser
 * route goes first; otherwise modules keep name order. (A cycle cannot be fixed by ordering; the
 * remaining modules then keep name order.)
 */
export function mountOrder(modules: readonly { name: string; routes: readonly Route[] }[]): string[] {
  const names = modules.map((m) => m.name).sort(compareStrings);
  const before = new Map(names.map((n) => [n, new Set<string>()]));
  // Only routes with a parameter segment can shadow another; most routes of a module have none.
  const loose = new Map(modules.map((m) => [m, m.routes.filter((r) => r.path.includes(':'))]));
  for (const a of modules) {
    for (const b of modules) {
      if (a === b) continue;
      // b must come before a when one of a's routes shadows one of b's.
      if (loose.get(a)!.some((ra) => b.routes.some((rb) => shadows(ra, rb)))) before.get(a.name)!.add(b.name);
    }
  }
  const done: string[] = [];
  const left = new Set(names);
  while (left.size) {
    const ready = [...left].find((n) => [...before.get(n)!].every((m) => !left.has(m))) ?? [...left][0]!;
    done.push(ready);
    left.delete(ready);
  }
  return done;
}
