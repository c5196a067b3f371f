/**
 * The DRF page envelope for handler-built lists (search, public pages): the generic list's own
 * (runtime/http/styles/drf.ts), with `page`/`page_size` from the validated query and links under the
 * service's base path.
 */
import type { Knex } from 'knex';
import { DEFAULT_PAGE_SIZE, type Paging } from '../../http/paging.ts';
import { type DrfPage, drfPage, drfPaging } from '../../http/styles/drf.ts';
import type { ActionContext } from '../../runtime-api.ts';

export type Page<T> = DrfPage<T>;

/** Runs `q` (already filtered and ordered) for the requested page of the action at `path` (relative to the base path). */
export async function pageOf<T>(
  a: ActionContext,
  path: string,
  q: Knex.QueryBuilder,
  map: (row: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const paging = drfPaging(Number(a.query.page ?? 1), Number(a.query.page_size ?? DEFAULT_PAGE_SIZE));
  const countQ = q.clone().clearSelect().clearOrder().count({ n: '*' }).first();
  const [counted, rows] = await Promise.all([countQ, q.clone().limit(paging.pageSize).offset(paging.offset)]);
  const count = Number((counted as { n: unknown } | undefined)?.n ?? 0);
  return pageAt(a, path, paging, count, (rows as Record<string, unknown>[]).map(map));
}

/** The envelope of a page already read, with links to the pages beside it (the query as validated, `page` last). */
export function pageAt<T>(a: ActionContext, path: string, paging: Paging, count: number, results: readonly T[]): Page<T> {
  const url = new URL(a.ctx.basePath + path, a.baseUrl);
  for (const [k, v] of Object.entries(a.query)) if (v !== undefined && k !== 'page') url.searchParams.set(k, String(v));
  return drfPage({ url, paging, count, results });
}
