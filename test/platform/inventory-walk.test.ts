/**
 * The platform server answers every platform inventory row (test/fixtures/inventory.jsonl): no
 * "no such endpoint" (ROUTE_NOT_FOUND) and no server error. Endpoints that need an outside system
 * not wired yet answer 501 NOT_IMPLEMENTED; they are listed here so the number only goes down.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { inventoryRows } from '../helpers/inventory.ts';
import { adminKey, client } from './helpers.ts';
import { readAllEventsAfter } from '../../runtime/platform/events/event-log.ts';
import { runAutomationsForEvent } from '../../runtime/platform/automation/on-event.ts';

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

// Issue 11: image variants, image description and JavaScript functions once answered 501; with real records they work.
it('image variants, ai/describe and a JavaScript function answer with real records, never 501', async () => {
  const { default: sharp } = await import('sharp');
  const auth = { authorization: `Bearer ${key}` };
  const json = async (method: string, path: string, body: unknown) => {
    const res = await fetch(svc.api + path, {
      method,
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const form = new FormData();
  const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#808000' } })
    .png()
    .toBuffer();
  form.set('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'walk.png');
  const file = ((await (await fetch(svc.api + 'files/upload', { method: 'POST', headers: auth, body: form })).json()) as any).data;
  const variant = await fetch(`${svc.api}files/${file.id}/variants/thumb?format=webp`, { headers: auth });
  expect([variant.status, variant.headers.get('content-type')]).toEqual([200, 'image/webp']);
  const described = await json('POST', 'ai/describe', { file_id: file.id });
  expect([described.status, described.body.data?.offline]).toEqual([200, true]);
  const fn = (await json('POST', 'functions', { name: 'walk', runtime: 'javascript', code: 'return input.n + 1', enabled: true })).body
    .data;
  const ran = await json('POST', `functions/${fn.id}/execute`, { input: { n: 1 } });
  expect([ran.status, ran.body.data?.output]).toEqual([200, 2]);
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

// Endpoints that once answered 2xx and did nothing (issue 12): each now acts, or says why it cannot.
it('event endpoints act: automations run on events, cron is checked, forms create objects, sync is real or NOT_CONFIGURED', async () => {
  const call = client(svc, key);
  const t = (await call('POST', 'object-types', { name: 'walk_leads' })).body.data.id;
  await call('POST', `object-types/${t}/properties`, { name: 'email', data_type: 'email' });
  await call('POST', `object-types/${t}/properties`, { name: 'stage', data_type: 'string' });
  // An automation on object.created runs (the consumer the job engine calls) and its action shows.
  const auto = (
    await call('POST', 'automations', {
      name: 'walk',
      trigger_event: 'object.created',
      enabled: true,
      actions: [{ type: 'update_object', object_type: 'walk_leads', object_id: '{{data.id}}', properties: { stage: 'seen' } }],
    })
  ).body.data.id;
  const obj = (await call('POST', `objects/${t}`, { properties: { email: 'w@example.com' } })).body.data;
  const [event] = (await readAllEventsAfter(svc.db, 0, 10_000)).filter((e) => e.type === 'object.created' && (e.data as any).id === obj.id);
  await runAutomationsForEvent(svc.db, event!);
  expect((await call('GET', `automations/${auto}/runs`)).body.data.runs[0]).toMatchObject({ status: 'succeeded', event_id: event!.id });
  expect((await call('GET', `objects/${t}/${obj.id}`)).body.data.properties.stage).toBe('seen');
  // A cron expression is checked (400 with the reason), not stored blindly.
  const cron = await call('POST', 'scheduled-jobs', { name: 'bad', cron_expression: 'not a cron', action_type: 'create_object' });
  expect(cron.status).toBe(400);
  expect(cron.body.error.fields.cron_expression).toBeDefined();
  // A form submission creates the object in the linked type; a bad email is 400.
  const form = (
    await call('POST', 'forms', { name: 'walk', object_type_id: t, fields: [{ name: 'email', type: 'email', required: true }] })
  ).body.data.id;
  const post = (body: unknown) =>
    fetch(`${svc.api}forms/${form}/submit`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ok = await (await post({ email: 'f@example.com' })).json();
  expect(ok.data).toEqual({ submitted: true, object_id: expect.stringMatching(/^obj_/) });
  expect((await post({ email: 'nope' })).status).toBe(400);
  // A provider without a connector is 409 NOT_CONFIGURED, not a 2xx that transferred nothing.
  const integ = (await call('POST', 'integrations', { provider: 'hubspot', name: 'walk' })).body.data.id;
  const sync = await call('POST', `integrations/${integ}/sync`);
  expect([sync.status, sync.body.error?.code]).toEqual([409, 'NOT_CONFIGURED']);
});
