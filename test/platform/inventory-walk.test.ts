/**
 * The platform server answers every platform inventory row (test/fixtures/inventory.jsonl): no
 * "no such endpoint" (ROUTE_NOT_FOUND) and no server error. Endpoints that need an outside system
 * not wired yet answer 501 NOT_IMPLEMENTED; they are listed here so the number only goes down.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { inventoryRows } from '../helpers/inventory.ts';
import { adminKey } from './helpers.ts';

const rows = inventoryRows().filter((r) => r.service === 'platform');

let svc: TestService;
let key: string;
beforeAll(async () => {
  svc = await startTestService('platform');
  key = await adminKey(svc, 'walker');
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

it('every platform endpoint is answered; 501s are known', async () => {
  const unanswered: string[] = [];
  const notImplemented: string[] = [];
  for (const r of rows) {
    // Endless streams would hold the walk open.
    if (r.path === '/events/stream') continue;
    const path = r.path.replace(/:[A-Za-z_]+/g, 'x_1');
    const write = r.method !== 'GET' && r.method !== 'DELETE';
    const res = await fetch(svc.url + path, {
      method: r.method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${key}`, ...(write ? { 'content-type': 'application/json' } : {}) },
      body: write ? '{}' : undefined,
    });
    const body = await res.text();
    // The WebSocket endpoint is live: a plain GET is told to upgrade (426), never 501.
    if (r.path === '/v1/realtime') expect(res.status, body).toBe(426);
    if (body.includes('ROUTE_NOT_FOUND') || res.status === 405) unanswered.push(`${r.method} ${r.path}`);
    else if (res.status === 501) notImplemented.push(`${r.method} ${r.path}`);
    else if (res.status >= 500) unanswered.push(`${r.method} ${r.path} → ${res.status} ${body.slice(0, 160)}`);
  }
  expect(unanswered).toEqual([]);
  // POST /v1/sql runs read-only tenant SQL (runtime/platform/sql/): a 4xx for bad input or PGlite, never a 501.
  expect(notImplemented).not.toContain('POST /v1/sql');
  // Printed for the report; a ceiling so the count cannot silently grow.
  console.log(`platform: ${rows.length} endpoints, ${notImplemented.length} answer 501 NOT_IMPLEMENTED: ${notImplemented.join(', ')}`);
  expect(notImplemented).not.toContain('GET /v1/realtime');
  expect(notImplemented.length).toBeLessThanOrEqual(0);
  // Portal sign-in, passkeys, OAuth and SAML are served for real: an unconfigured tenant gets a 4xx naming what to configure.
  expect(notImplemented.filter((e) => /\/auth\/(portal-|passkeys|oauth|saml)/.test(e))).toEqual([]);
});

it('identity endpoints of an unconfigured tenant answer 409 with a code naming what to configure', async () => {
  const cases = [
    ['GET', 'auth/oauth/google', 'OAUTH_NOT_CONFIGURED'],
    ['GET', 'auth/saml/okta/metadata', 'SAML_NOT_CONFIGURED'],
    ['POST', 'auth/passkeys/authenticate/begin', 'PASSKEYS_NOT_CONFIGURED'],
  ] as const;
  for (const [method, path, code] of cases) {
    const res = await fetch(svc.api + path, {
      method,
      redirect: 'manual',
      headers: { authorization: `Bearer ${key}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      body: method === 'POST' ? '{}' : undefined,
    });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe(code);
  }
});
