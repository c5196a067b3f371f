/** LOOP (Django REST framework's wire) refuses bad input with 4xx in DRF's bodies; see lib/suite.ts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNoDriverText, startHarness, type Harness } from './lib/harness.ts';
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

describe('loop: an integer beyond its column is a 400 naming the field, without SQL', () => {
  // Whether the generated validator or the database refuses it, the answer is DRF's field error.
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('loop');
  });
  afterAll(async () => h?.close());

  it('expected_count 6529978667', async () => {
    const r = await h.call('POST', 'attendance/sessions/', {
      body: { title: 'Big', starts_at: '2030-01-01T09:00:00Z', expected_count: 6529978667 },
    });
    expect(r.status, r.text).toBe(400);
    expect(Object.keys(r.body)).toEqual(['expected_count']);
    expectNoDriverText(r, 'attendance_sessions');
  });

  it('a filter value beyond its column', async () => {
    const r = await h.call('GET', 'attendance/sessions/?late_after_minutes=99999999999');
    expect(r.status, r.text).toBeLessThan(500);
    expectNoDriverText(r, 'attendance_sessions');
  });
});
