/**
 * Django REST framework's wire (the LOOP service): bare bodies, validation errors as
 * `{"field": ["message"]}` and everything else as `{"detail", "code"}` with DRF's own codes,
 * `page`/`page_size` pagination in `{count, next, previous, results}` with absolute links.
 */
import { notFound, validation } from '../api-error.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type Paging, positiveInt } from '../paging.ts';
import type { PageOf, WireStyle } from '../wire-style.ts';
import { bareBody, sendBare, statusHealth } from './shared.ts';

/** Our generic codes → the codes Django REST framework sends. */
const DRF_CODES: Readonly<Record<string, string>> = {
  unauthorized: 'not_authenticated',
  forbidden: 'permission_denied',
  rate_limited: 'throttled',
};

export interface DrfPage<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: readonly T[];
}

function pageLink(url: URL, page: number): string {
  const link = new URL(url);
  // DRF drops the page parameter for the first page.
  if (page === 1) link.searchParams.delete('page');
  else link.searchParams.set('page', String(page));
  return link.toString();
}

/** DRF's page envelope; also used by handler-built LOOP lists (runtime/loop/handler-kit/paging.ts). */
export function drfPage<T>(p: PageOf & { readonly results: readonly T[] }): DrfPage<T> {
  const more = p.paging.offset + p.results.length < p.count;
  return {
    count: p.count,
    next: more ? pageLink(p.url, p.paging.page + 1) : null,
    previous: p.paging.page > 1 ? pageLink(p.url, p.paging.page - 1) : null,
    results: p.results,
  };
}

/** `page` and `page_size`; DRF clamps page_size to max_page_size rather than refusing it. */
export function drfPaging(page: number, pageSize: number): Paging {
  const size = Math.min(pageSize, MAX_PAGE_SIZE);
  return { page, pageSize: size, offset: (page - 1) * size };
}

export const drfStyle: WireStyle = {
  name: 'drf',
  body: bareBody,
  ok: sendBare,
  error(err, requestId) {
    if (err.fields && err.status === 400) return err.fields;
    // A server error says nothing but that it happened, and the request id to quote when reporting it.
    const reference = err.status >= 500 ? { request_id: requestId } : {};
    return { detail: err.message, code: DRF_CODES[err.code] ?? err.code, ...err.details, ...reference };
  },
  errorHeaders: (err): Record<string, string> => (err.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="api"' } : {}),
  readPaging: (q) => drfPaging(positiveInt(q, 'page', 1, 1), positiveInt(q, 'page_size', DEFAULT_PAGE_SIZE, 1)),
  pastLastPage() {
    throw notFound('Invalid page.');
  },
  page: drfPage,
  uniqueViolation: (field, message) => validation({ [field]: [message] }),
  health: statusHealth,
};
