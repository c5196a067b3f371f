/**
 * Tenant and soft-delete scoping shared by every CRUD operation. Every query on a tenant
 * resource is filtered by company_id here, so no handler can forget it.
 */
import type { Knex } from 'knex';
import type { ResourceDescriptor } from '../descriptor.ts';
import type { RequestContext } from '../runtime-api.ts';
import { forbidden, notFound } from '../http/api-error.ts';

export type Visibility = 'live' | 'deleted' | 'any';

/** Company id of the request for tenant resources; null for global ones. Throws when tenancy was not resolved. */
export function companyOf(d: ResourceDescriptor, ctx: RequestContext): number | null {
  if (d.scope === 'global') return null;
  if (!ctx.tenant) throw forbidden('No company selected for this request.', 'tenant_required');
  return ctx.tenant.companyId;
}

/** Owners, admins and superusers may see and restore soft-deleted rows. */
export function isAdmin(ctx: RequestContext): boolean {
  if (ctx.principal?.isSuperuser) return true;
  const role = ctx.tenant?.role;
  return role === 'owner' || role === 'admin';
}

export function scoped(db: Knex, d: ResourceDescriptor, ctx: RequestContext, visibility: Visibility = 'live'): Knex.QueryBuilder {
  const q = db(d.table);
  const company = companyOf(d, ctx);
  if (company !== null) q.where(`${d.table}.company_id`, company);
  if (d.tenantRoot) scopeTenantRoot(q, d, ctx);
  if (d.softDelete && visibility === 'live') q.whereNull(`${d.table}.deleted_at`);
  if (d.softDelete && visibility === 'deleted') q.whereNotNull(`${d.table}.deleted_at`);
  return q;
}

/**
 * A tenant root (companies) is its own tenant: the company selected by X-Company-ID when there is
 * one (writes), else the companies the caller reaches (reads). Superusers see every row. Without
 * either answer the query matches nothing, so a wiring mistake fails closed.
 */
function scopeTenantRoot(q: Knex.QueryBuilder, d: ResourceDescriptor, ctx: RequestContext): void {
  if (ctx.tenant) {
    q.where(`${d.table}.id`, ctx.tenant.companyId);
    return;
  }
  if (ctx.principal?.isSuperuser) return;
  q.whereIn(`${d.table}.id`, [...(ctx.reachableCompanyIds ?? [])]);
}

/** Path id → typed id; a non-numeric id of a serial resource can match nothing, so it is a 404. */
export function parseId(d: ResourceDescriptor, raw: string | undefined): number | string {
  if (raw === undefined || raw === '') throw notFound();
  if (d.idStyle === 'serial') {
    if (!/^\d{1,15}$/.test(raw)) throw notFound();
    return Number(raw);
  }
  if (raw.length > 64) throw notFound();
  return raw;
}
