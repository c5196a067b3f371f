/** The platform refuses bad input with 4xx in its `{success: false, error, request_id}` envelope; see lib/suite.ts. */
import { describe } from 'vitest';
import { hardeningSuite } from './lib/suite.ts';

describe('platform hardening', () => {
  hardeningSuite('platform', {
    create: { path: 'dashboards', body: { name: 'Hardening' }, text: 'name' },
    list: { path: 'dashboards', dateFilter: 'created_at__gte' },
    item: 'dashboards/{id}',
    multipart: 'files/x/upload-put',
    methods: { path: 'dashboards/{id}'.replace('{id}', 'dash_x'), missing: 'PUT', allow: 'DELETE, GET, HEAD, OPTIONS, PATCH' },
    table: 'pf_dashboards',
  });
});
