/** LOOP (Django REST framework's wire) refuses bad input with 4xx in DRF's bodies; see lib/suite.ts. */
import { describe } from 'vitest';
import { hardeningSuite } from './lib/suite.ts';

describe('loop hardening', () => {
  hardeningSuite('loop', {
    create: { path: 'attendance/sessions/', body: { title: 'Standup', starts_at: '2030-01-01T09:00:00Z' }, text: 'title' },
    list: { path: 'attendance/sessions/', dateFilter: 'starts_at__gte' },
    item: 'attendance/sessions/{id}/',
    multipart: 'auth/login/',
    methods: { path: 'attendance/sessions/', missing: 'DELETE', allow: 'GET, HEAD, OPTIONS, POST' },
    table: 'attendance_sessions',
  });
});
