/**
 * The DRF page envelope `{count, next, previous, results}` for handler-built lists (search, public
 * pages), matching the generic list: `page`/`page_size`, 20 by default, absolute links.
 */
import type { Knex } from 'knex';
import type { ActionContext } from '../../runtime-api.ts';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;
/** The LOOP service's base path (spec/loop/service.yaml); links are built from it and the action path. */
const BASE_PATH = '/api/v1/';

export interface Page<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: T[];
}

function link(a: ActionContext, path: string, page: number): string {
  const url = new URL(BASE_PATH + path, a.baseUrl);
  for (const [k, v] of Object.entries(a.query)) if (v !== undefined && k !== 'page') url.searchParams.set(k, String(v));
  if (page > 1) url.searchParams.set('page', String(page));
  return url.toString();
}

/** Runs `q` (already filtered and ordered) for the requested page. */
export async function pageOf<T>(a: ActionContext, path: string, q: Knex.QueryBuilder, map: (row: Record<string, unknown>) => T): Promise<Page<T>> {
  const page = Number(a.query.page ?? 1);
  const size = Math.min(Number(a.query.page_size ?? DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE);
  const countQ = q.clone().clearSelect().clearOrder().count({ n: '*' }).first();
  const [counted, rows] = await Promise.all([countQ, q.clone().limit(size).offset((page - 1) * size)]);
  const count = Number((counted as { n: unknown } | undefined)?.n ?? 0);
  return {
    count,
    next: page * size < count ? link(a, path, page + 1) : null,
    previous: page > 1 ? link(a, path, page - 1) : null,
    results: (rows as Record<string, unknown>[]).map(map),
  };
}
