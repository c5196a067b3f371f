/**
 * Wire conventions that differ by service style and that both the OpenAPI and the Zod emitter
 * must agree on (and the runtime's list handler and error renderer must implement).
 *
 * Choices, where the seeds are silent:
 * - drf (seed 000): `?page=&page_size=`, page `{count, next, previous, results}`; bare bodies;
 *   DELETE answers 204.
 * - roomloop (seed 001 gives no list example): keyset pages, `?limit=&cursor=`, page
 *   `{data: [...], next_cursor}` where `next_cursor` is null (or absent) on the last page; bare bodies;
 *   DELETE answers 204.
 * - platform (seed 002 lists use `limit`/`offset` and `cursor`, and wrap `{results, next_cursor, total}`
 *   in `data`): page `{success: true, data: {results, total, next_cursor}, request_id}`; every JSON
 *   body is wrapped in `{success: true, data, request_id}`; DELETE answers 200 with `data: null`.
 */
import type { ServiceStyle } from '../../ir/index.ts';

/** Largest page a client may ask for (`page_size` / `limit`). */
export const MAX_PAGE_SIZE = 100;

export interface PaginationParam {
  readonly name: string;
  readonly type: 'integer' | 'string';
  readonly min?: number;
  readonly max?: number;
  readonly description: string;
}

/** Query keys that select a page, per style. */
export const PAGINATION_PARAMS: Readonly<Record<ServiceStyle, readonly PaginationParam[]>> = {
  drf: [
    { name: 'page', type: 'integer', min: 1, description: 'A page number within the paginated result set.' },
    { name: 'page_size', type: 'integer', min: 1, max: MAX_PAGE_SIZE, description: 'Number of results to return per page.' },
  ],
  roomloop: [
    { name: 'limit', type: 'integer', min: 1, max: MAX_PAGE_SIZE, description: 'Number of results to return per page.' },
    { name: 'cursor', type: 'string', description: 'Opaque cursor from the previous page\'s `next_cursor`.' },
  ],
  platform: [
    { name: 'limit', type: 'integer', min: 1, max: MAX_PAGE_SIZE, description: 'Number of results to return per page.' },
    { name: 'offset', type: 'integer', min: 0, description: 'Number of results to skip.' },
    { name: 'cursor', type: 'string', description: 'Opaque cursor from the previous page\'s `next_cursor`.' },
  ],
};

/** `?deleted=only|include` shows soft-deleted rows (to users allowed to restore them). */
export const DELETED_PARAM_VALUES = ['include', 'only'] as const;

/** Whether a style wraps JSON success bodies in `{success, data, request_id}`. */
export function wrapsBodies(style: ServiceStyle): boolean {
  return style === 'platform';
}

/** Success status of DELETE on an item. */
export function deleteStatus(style: ServiceStyle): number {
  return style === 'platform' ? 200 : 204;
}
