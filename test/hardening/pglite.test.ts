/**
 * The hardening cases once on embedded PGlite (the default database when DATABASE_URL is unset),
 * whose errors reach the runtime through another driver: RoomLoop, the smallest service.
 */
import { describe } from 'vitest';
import { hardeningSuite } from './lib/suite.ts';

// Each test file runs in its own process (vitest.config.ts: pool forks), so this stays in this file.
delete process.env.DATABASE_URL;

describe('roomloop hardening on PGlite', () => {
  hardeningSuite('roomloop', {
    create: { path: 'accounts', body: { email: 'hardening@example.com', name: 'Hardening' }, text: 'name' },
    list: { path: 'accounts', dateFilter: 'created_at__gte' },
    item: 'facilities/{id}',
    multipart: 'accounts/bulk',
    methods: { path: 'accounts', missing: 'DELETE', allow: 'GET, HEAD, OPTIONS, POST' },
    table: 'rl_accounts',
  });
});
