/**
 * GET on a collection: filters, search, ordering, page — one round trip, the total comes from
 * `count(*) over()` beside the rows. Envelopes per style (generator/emit/openapi/style-conventions.ts):
 * drf `{count, next, previous, results}` with absolute links; roomloop `{data, next_cursor}`;
 * platform `{results, total, next_cursor}` inside its success envelope.
 */
import type { Request, RequestHandler } from 'express';
import type { ResourceDescriptor } from '../descriptor.ts';
import { forbidden, notFound, validation } from '../http/api-error.ts';
import { ctxOf, sendJson } from '../http/respond.ts';
import { zodToFieldErrors } from '../http/to-api-error.ts';
import type { RequestContext } from '../runtime-api.ts';
import { applyFilters, applyOrdering, applySearch, encodeCursor, readPaging } from './list-query.ts';
import { codecOf } from './row-codec.ts';
import { isAdmin, scoped, type Visibility } from './scope.ts';

function pageLink(req: Request, page: number): string {
  const url = new URL(req.originalUrl, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
  // DRF drops the page parameter for the first page.
  if (page === 1) url.searchParams.delete('page');
  else url.searchParams.set('page', String(page));
  return url.toString();
}

/** `?deleted=only|include` — soft-deleted rows, shown only to those who may restore them. */
function visibilityOf(req: Request, ctx: RequestContext, d: ResourceDescriptor): Visibility {
  const deleted = req.query.deleted;
  if (deleted === undefined || !d.softDelete) return 'live';
  if (deleted !== 'only' && deleted !== 'include') throw validation({ deleted: ['Choose "only" or "include".'] });
  if (!isAdmin(ctx)) throw forbidden('Only company owners and admins may list deleted records.');
  return deleted === 'only' ? 'deleted' : 'any';
}

export function list(d: ResourceDescriptor): RequestHandler {
  const codec = codecOf(d);
  return async (req, res) => {
    const ctx = ctxOf(res);
    const query = req.query as Record<string, unknown>;
    // The generated list-query schema is strict: an unknown key or a bad value is a 400 naming it.
    const checked = d.validators.listQuery.safeParse(query);
    if (!checked.success) throw validation(zodToFieldErrors(checked.error));
    const paging = readPaging(query, ctx.style);
    const q = scoped(ctx.db, d, ctx, visibilityOf(req, ctx, d));
    applyFilters(q, d, query);
    applySearch(q, d, query);
    const where = q.clone();
    applyOrdering(q, d, query);
    const rows: Record<string, unknown>[] = await q
      .select([...codec.select(ctx.db, d.table), ctx.db.raw('count(*) over() as "__total"')])
      .limit(paging.pageSize)
      .offset(paging.offset);

    let count = rows.length ? Number(rows[0]!.__total) : 0;
    if (rows.length === 0 && paging.offset > 0) {
      // Past the last page the window count is unavailable; DRF answers "Invalid page." here.
      if (ctx.style === 'drf') throw notFound('Invalid page.');
      const [first] = await where.count({ n: '*' });
      count = Number((first as { n: unknown }).n);
    }
    const results = rows.map((r) => codec.toWire(r));
    const more = paging.offset + rows.length < count;
    const nextCursor = more ? encodeCursor(paging.offset + paging.pageSize) : null;

    switch (ctx.style) {
      case 'drf':
        return sendJson(res, 200, {
          count,
          next: more ? pageLink(req, paging.page + 1) : null,
          previous: paging.page > 1 ? pageLink(req, paging.page - 1) : null,
          results,
        });
      case 'roomloop':
        return sendJson(res, 200, { data: results, next_cursor: nextCursor });
      case 'platform':
        return sendJson(res, 200, { results, total: count, next_cursor: nextCursor });
    }
  };
}
