/**
 * Paging out of range in each style: DRF's `404 {"detail": "Invalid page."}` past the last page and a
 * field error for a page that is not a whole number ≥ 1, page sizes clamped to the largest page;
 * RoomLoop and the platform refuse a bad limit/cursor/offset as validation errors and answer a page
 * past the end as an empty page.
 */
import { describe, expect } from 'vitest';
import { pagingSuite } from './lib/suite.ts';

/** The generated query validator or the style's paging reader words it (runtime/http/paging.ts). */
const PAGE = [expect.any(String)];

describe('loop paging', () => {
  pagingSuite('loop', 'attendance/sessions/', [
    { query: 'page=999', status: 404, body: { detail: 'Invalid page.', code: 'not_found' } },
    { query: 'page=0', status: 400, body: { page: PAGE } },
    { query: 'page=abc', status: 400, body: { page: PAGE } },
    { query: 'page=99999999999999999999', status: 400, body: { page: PAGE } },
    { query: 'page=9999999999', status: 400, body: { page: PAGE } },
    { query: 'page=999999999', status: 404, body: { detail: 'Invalid page.', code: 'not_found' } },
    { query: 'page_size=0', status: 400, body: { page_size: PAGE } },
    { query: 'page_size=100000', status: 200 },
  ]);
});

describe('roomloop paging', () => {
  pagingSuite('roomloop', 'accounts', [
    { query: 'limit=0', status: 400 },
    { query: 'limit=abc', status: 400 },
    { query: 'limit=100000', status: 200 },
    {
      query: 'cursor=nonsense',
      status: 400,
      body: { error: { code: 'validation_error', message: 'cursor: Invalid cursor.', fields: { cursor: ['Invalid cursor.'] } } },
    },
    { query: `cursor=${Buffer.from('{"o":1e300}').toString('base64url')}`, status: 400 },
  ]);
});

describe('platform paging', () => {
  pagingSuite('platform', 'dashboards', [
    { query: 'limit=abc', status: 400 },
    { query: 'offset=-1', status: 400 },
    { query: 'offset=999999999', status: 200 },
    { query: 'limit=100000', status: 200 },
  ]);
});
