/**
 * Integration sync (runtime/platform/integrations/): the http_json connector pulls a JSON list from a
 * local server on 127.0.0.1 into objects, upserting by external id (a second sync updates, a new item
 * is created, a refused item is reported and skipped); the sync log records each sync. A provider
 * with no connector, or an incomplete config, is 409 NOT_CONFIGURED; the remote failing is 502.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';
import { startReceiver, type Receiver } from './harness.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let remote: Receiver;
let contacts: string;

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'sync-co'));
  remote = await startReceiver();
  contacts = (await call('POST', 'object-types', { name: 'contacts' })).body.data.id;
  await call('POST', `object-types/${contacts}/properties`, { name: 'name', data_type: 'string', is_required: true });
  await call('POST', `object-types/${contacts}/properties`, { name: 'email', data_type: 'email' });
}, 90_000);
afterAll(async () => {
  await remote?.close();
  await svc?.close();
});

const byName = async () =>
  Object.fromEntries(
    (await svc.db('pf_objects').where({ object_type_id: contacts }).whereNull('deleted_at')).map((o) => [o.properties.name, o.properties]),
  );

it('http_json pulls items into objects, upserting by external id', async () => {
  const integ = (
    await call('POST', 'integrations', {
      provider: 'http_json',
      name: 'CRM export',
      sync_direction: 'pull',
      config_json: {
        url: `${remote.url}/people`,
        object_type: 'contacts',
        items_path: 'data.people',
        id_field: 'ref',
        mapping: { name: 'full_name', email: 'contact.email' },
        headers: { authorization: 'Bearer remote-token' },
      },
    })
  ).body.data.id;
  remote.answer(200, {
    data: {
      people: [
        { ref: 1, full_name: 'Ann', contact: { email: 'ann@example.com' } },
        { ref: 2, full_name: 'Bo', contact: { email: 'bo@example.com' } },
      ],
    },
  });
  const first = await call('POST', `integrations/${integ}/sync`);
  expect(first.status).toBe(202);
  expect(first.body.data).toMatchObject({ status: 'succeeded', records_synced: 2, created: 2, updated: 0, failed: 0 });
  expect(remote.hits.at(-1)).toMatchObject({ method: 'GET', path: '/people' });
  expect(await byName()).toEqual({ Ann: { name: 'Ann', email: 'ann@example.com' }, Bo: { name: 'Bo', email: 'bo@example.com' } });

  remote.answer(200, {
    data: {
      people: [
        { ref: 1, full_name: 'Ann', contact: { email: 'ann@new.example.com' } },
        { ref: 2, full_name: 'Bo', contact: { email: 'bo@example.com' } },
        { ref: 3, full_name: 'Cy', contact: { email: 'not an email' } },
        { ref: 4, full_name: 'Di' },
        { full_name: 'No id' },
      ],
    },
  });
  const second = (await call('POST', `integrations/${integ}/sync`)).body.data;
  expect(second).toMatchObject({ status: 'partial', records_synced: 3, created: 1, updated: 2, failed: 2 });
  expect(second.errors.map((e: any) => e.external_id)).toEqual(['3', null]);
  const now = await byName();
  expect(Object.keys(now).sort()).toEqual(['Ann', 'Bo', 'Di']);
  expect(now.Ann.email).toBe('ann@new.example.com');
  const logs = (await call('GET', `integrations/${integ}/logs`)).body.data;
  expect(logs.map((l: any) => l.status ?? l.data?.status).sort()).toEqual(['partial', 'succeeded']);
  const events = await svc.db('pf_domain_events').where({ type: 'integration.synced' });
  expect(events).toHaveLength(2);

  // The remote failing writes nothing and says so.
  remote.answer(500, { error: 'down' });
  const failed = await call('POST', `integrations/${integ}/sync`);
  expect(failed.status).toBe(502);
  expect(failed.body.error.code).toBe('SYNC_FAILED');
  expect((await call('GET', `integrations/${integ}/logs`)).body.data).toHaveLength(2);
});

it('a provider without a connector, or an incomplete config, is 409 NOT_CONFIGURED', async () => {
  const hub = (await call('POST', 'integrations', { provider: 'salesforce', name: 'SF' })).body.data.id;
  const res = await call('POST', `integrations/${hub}/sync`);
  expect(res.status).toBe(409);
  expect(res.body).toMatchObject({ success: false, error: { code: 'NOT_CONFIGURED' } });
  expect(res.body.error.message).toContain('salesforce');
  const empty = (await call('POST', 'integrations', { provider: 'http_json', name: 'half', config_json: { url: 'ftp://x' } })).body.data.id;
  const half = await call('POST', `integrations/${empty}/sync`);
  expect(half.status).toBe(409);
  expect(Object.keys(half.body.error.fields).sort()).toEqual(['config_json.object_type', 'config_json.url']);
  expect((await call('POST', 'integrations/int_missing/sync')).status).toBe(404);
});
