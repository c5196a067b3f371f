/**
 * Where docs/export-excel reads its rows: a LOOP resource named `module.resource`, checked against
 * the generated descriptors, with the caller's list filters validated by that resource's own list
 * schema, the caller's view permission, the resource's product subscription, and tenant scoping —
 * exactly what `GET <resource>/` would allow, without the page limit.
 */
import type { Knex } from 'knex';
import { resources } from '../../../generated/loop/server/index.ts';
import type { ResourceDescriptor } from '../../descriptor.ts';
import { applyFilters, applyOrdering, applySearch } from '../../crud/list-query.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { scoped } from '../../crud/scope.ts';
import { ApiError, forbidden, validation } from '../../http/api-error.ts';
import { zodToFieldErrors } from '../../http/to-api-error.ts';
import type { RequestContext } from '../../runtime-api.ts';
import { grants } from '../tenancy/permissions.ts';
import { loadSubscriptions, openProducts } from '../tenancy/subscriptions.ts';

/** Exports stop here; a bigger extract belongs in a background job, not a request. */
export const MAX_EXPORT_ROWS = 100_000;
const BATCH = 500;

const byName = new Map<string, ResourceDescriptor>(resources.map((d) => [`${d.module}.${d.name}`, d]));

export function findResource(name: string): ResourceDescriptor {
  const d = byName.get(name);
  // Global tables (users, companies, internal queues) are not tenant data; they are never exported.
  if (!d || d.scope === 'global') {
    const close = [...byName.keys()]
      .filter((k) => k.startsWith(name.split('.')[0] + '.') && byName.get(k)!.scope !== 'global')
      .slice(0, 20);
    throw validation({
      resource: [
        `Unknown resource "${name}".${close.length ? ` Choices in this module: ${close.join(', ')}.` : ' Use module.resource, e.g. booking.appointments.'}`,
      ],
    });
  }
  return d;
}

export async function checkAccess(db: Knex, ctx: RequestContext, d: ResourceDescriptor): Promise<void> {
  if (ctx.principal?.isSuperuser) return;
  if (!ctx.tenant || !grants(ctx.tenant.permissions, d.permissions.view)) {
    throw forbidden(`Exporting ${d.module}.${d.name} needs the ${d.permissions.view} permission.`);
  }
  if (d.product && !openProducts(await loadSubscriptions(db, ctx.tenant.companyId), Date.now()).has(d.product)) {
    throw new ApiError(403, 'subscription_required', `Company ${ctx.tenant.companyCode} has no active subscription to ${d.product}.`);
  }
}

/** Filters as the list endpoint takes them (strings), validated by the resource's strict list schema. */
export function checkFilters(d: ResourceDescriptor, filters: unknown): Record<string, string> {
  if (filters === undefined || filters === null) return {};
  if (typeof filters !== 'object' || Array.isArray(filters))
    throw validation({ filters: ['Send an object of list filters, e.g. {"status": "paid"}.'] });
  const q: Record<string, string> = {};
  for (const [k, v] of Object.entries(filters)) {
    if (['page', 'page_size', 'limit', 'offset', 'cursor'].includes(k)) continue;
    q[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  const r = d.validators.listQuery.safeParse(q);
  if (!r.success) throw validation(zodToFieldErrors(r.error, 'filters'));
  return q;
}

export function checkColumns(d: ResourceDescriptor, columns: unknown): { key: string; type: string }[] {
  const codec = codecOf(d);
  const readable = d.selectColumns.map((c) => codec.byColumn.get(c)!).filter(Boolean);
  if (columns === undefined || columns === null) return readable.map((c) => ({ key: c.name, type: c.type }));
  if (!Array.isArray(columns) || columns.length === 0 || columns.some((c) => typeof c !== 'string')) {
    throw validation({ columns: ['Send a non-empty list of field names.'] });
  }
  const names = new Map(readable.map((c) => [c.name, c]));
  const unknown = (columns as string[]).filter((c) => !names.has(c));
  if (unknown.length) throw validation({ columns: [`Unknown field(s): ${unknown.join(', ')}. Choices: ${[...names.keys()].join(', ')}.`] });
  return (columns as string[]).map((c) => ({ key: c, type: names.get(c)!.type }));
}

/** Every matching row (wire form), in list order, read in batches. */
export async function* matchingRows(
  db: Knex,
  ctx: RequestContext,
  d: ResourceDescriptor,
  filters: Record<string, string>,
): AsyncGenerator<Record<string, unknown>> {
  const codec = codecOf(d);
  let offset = 0;
  for (;;) {
    const q = scoped(db, d, ctx);
    applyFilters(q, d, filters);
    applySearch(q, d, filters);
    applyOrdering(q, d, filters);
    const rows = (await q.select(codec.select(db, d.table)).limit(BATCH).offset(offset)) as Record<string, unknown>[];
    for (const r of rows) yield codec.toWire(r);
    offset += rows.length;
    if (rows.length < BATCH) return;
    if (offset >= MAX_EXPORT_ROWS) throw validation({ filters: [`More than ${MAX_EXPORT_ROWS} rows match; narrow the filters.`] });
  }
}
