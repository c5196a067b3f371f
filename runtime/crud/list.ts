/**
 * GET on a collection: filters, search, ordering, page — one round trip, the total comes from
 * a scalar count subquery beside the rows (runtime/crud/statements.ts says why). The service's wire style reads the paging parameters and wraps
 * the page in its envelope (runtime/http/styles/).
 */
import type { Request, RequestHandler } from 'express';
import type { ResourceDescriptor } from '../descriptor.ts';
import type { PageOf, WireStyle } from '../http/wire-style.ts';
import { forbidden, validation } from '../http/api-error.ts';
import { ctxOf, sendJson } from '../http/respond.ts';
import { zodToFieldErrors } from '../http/to-api-error.ts';
import type { RequestContext } from '../runtime-api.ts';
import type { Knex } from 'knex';
import { runStatement } from '../db/prepared.ts';
import { applyFilters, applySearch, orderingTerms } from './list-query.ts';
import { codecOf } from './row-codec.ts';
import { companyOf, isAdmin, scoped, type Visibility } from './scope.ts';
import { listStatement, preparable } from './statements.ts';

/** `?deleted=only|include` — soft-deleted rows, shown only to those who may restore them. */
function visibilityOf(req: Request, ctx: RequestContext, d: ResourceDescriptor): Visibility {
  const deleted = req.query.deleted;
  if (deleted === undefined || !d.softDelete) return 'live';
  if (deleted !== 'only' && deleted !== 'include') throw validation({ deleted: ['Choose "only" or "include".'] });
  // A tenant root's list runs outside any selected company, so only a superuser is an admin there.
  if (d.tenantRoot && !ctx.principal?.isSuperuser) throw forbidden(`Only superusers may list deleted ${d.name}.`);
  if (!isAdmin(ctx)) throw forbidden('Only company owners and admins may list deleted records.');
  return deleted === 'only' ? 'deleted' : 'any';
}

/**
 * The list answer in the resource's declared shape (catalogue `list_shape:`): the style's page
 * envelope, the rows alone, or `{<named>: rows, total}`. Handler-built lists answer through it too.
 */
export function listBody(d: Pick<ResourceDescriptor, 'listShape'>, wire: WireStyle, p: PageOf): unknown {
  const shape = d.listShape;
  if (shape === undefined) return wire.page(p);
  if (shape === 'array') return p.results;
  return { [shape.named]: p.results, total: p.count };
}

/** Whether the request filters or searches (then the query builder writes its SQL). */
function narrows(d: ResourceDescriptor, query: Record<string, unknown>): boolean {
  if (d.searchColumns.length && typeof query.search === 'string' && query.search.trim() !== '') return true;
  if (Array.isArray(query.search) && d.searchColumns.length) return true;
  for (const k in query) if (Object.prototype.hasOwnProperty.call(d.filters, k)) return true;
  return false;
}

export function list(d: ResourceDescriptor): RequestHandler {
  const codec = codecOf(d);
  const prepared = preparable(d);
  return async (req, res) => {
    const ctx = ctxOf(res);
    const query = req.query as Record<string, unknown>;
    // The generated list-query schema is strict: an unknown key or a bad value is a 400 naming it.
    const checked = d.validators.listQuery.safeParse(query);
    if (!checked.success) throw validation(zodToFieldErrors(checked.error));
    const paging = ctx.wire.readPaging(query);
    const visibility = visibilityOf(req, ctx, d);
    let rows: Record<string, unknown>[];
    let where: Knex.QueryBuilder | undefined;
    if (prepared && !narrows(d, query)) {
      // The common page (no filter, no search): SQL prepared once per ordering.
      const company = companyOf(d, ctx);
      const sql = listStatement(d, visibility, orderingTerms(d, query));
      rows = await runStatement(ctx.db, sql, [...(company === null ? [] : [company]), paging.pageSize, paging.offset]);
    } else {
      const q = scoped(ctx.db, d, ctx, visibility);
      applyFilters(q, d, query);
      applySearch(q, d, query);
      where = q.clone();
      // The total as a scalar subquery, not count(*) over(): see listStatement.
      const total = ctx.db.raw('(?) as "__total"', [q.clone().count({ n: '*' })]);
      for (const t of orderingTerms(d, query)) q.orderBy(`${d.table}.${t.column}`, t.desc ? 'desc' : 'asc');
      rows = await q
        .select([...codec.select(ctx.db, d.table), total])
        .limit(paging.pageSize)
        .offset(paging.offset);
    }

    let count = rows.length ? Number(rows[0]!.__total) : 0;
    if (rows.length === 0 && paging.offset > 0) {
      // Past the last page the window count is unavailable (DRF refuses such a page).
      ctx.wire.pastLastPage();
      where ??= scoped(ctx.db, d, ctx, visibility);
      const [first] = await where.count({ n: '*' });
      count = Number((first as { n: unknown }).n);
    }
    const results = rows.map((r) => codec.toWire(r));
    const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
    sendJson(res, 200, listBody(d, ctx.wire, { url, paging, count, results }));
  };
}
