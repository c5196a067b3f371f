/** RoomLoop refuses bad input with 4xx in `{error: {code, message}}`; see lib/suite.ts. */
import { describe } from 'vitest';
import { hardeningSuite } from './lib/suite.ts';

describe('roomloop hardening', () => {
  hardeningSuite('roomloop', {
    create: { path: 'accounts', body: { email: 'hardening@example.com', name: 'Hardening' }, text: 'name' },
    list: { path: 'accounts', dateFilter: 'created_at__gte' },
    item: 'facilities/{id}',
    multipart: 'accounts/bulk',
    methods: { path: 'accounts', missing: 'DELETE', allow: 'GET, HEAD, OPTIONS, POST' },
    table: 'rl_accounts',
  });
});
