/**
 * Integration headers are secrets (runtime/platform/integrations/header-secrets.ts): sealed at rest,
 * answered masked by create, PATCH, GET and list; sending the mask back keeps the stored value; the
 * http_json connector still authenticates against a local server that checks the header.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';

const TOKEN = 'Bearer s3cret-remote-token-7f3a';
let svc: TestService;
let call: ReturnType<typeof client>;
let remote: Server;
let url: string;
let seen: (string | undefined)[] = [];

beforeAll(async () => {
  remote = createServer((req, res) => {
    seen.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    if (req.headers.authorization !== TOKEN) {
      res.statusCode = 401;
      return void res.end('{"error":"unauthorized"}');
    }
    res.end(JSON.stringify([{ id: 1, name: 'Ann' }]));
  });
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/people`;
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'secret-co'));
  const type = (await call('POST', 'object-types', { name: 'people' })).body.data.id;
  await call('POST', `object-types/${type}/properties`, { name: 'name', data_type: 'string' });
}, 90_000);
afterAll(async () => {
  await svc?.close();
  await new Promise((r) => remote?.close(r));
});

const holding = async (table: string, column: string, text: string) =>
  Number(
    (await svc
      .db(table)
      .whereRaw(`${column}::text like ?`, [`%${text}%`])
      .count('* as n')
      .first())!.n,
  );
const secretPart = 's3cret-remote-token';

it('headers are sealed at rest, masked in every answer, and sent by the connector', async () => {
  const created = await call('POST', 'integrations', {
    provider: 'http_json',
    name: 'CRM',
    config_json: { url, object_type: 'people', headers: { Authorization: TOKEN } },
  });
  expect(created.status).toBe(201);
  const id = created.body.data.id;
  expect(created.body.data.config_json.headers).toEqual({ Authorization: '********' });
  expect(JSON.stringify(created.body)).not.toContain(secretPart);

  // Nothing in the database holds the plaintext: not the row, not the sealed record, not the domain event.
  expect(await holding('pf_integrations', 'config_json', secretPart)).toBe(0);
  expect(await holding('pf_records', 'data', secretPart)).toBe(0);
  expect(await holding('pf_domain_events', 'data', secretPart)).toBe(0);
  expect(await holding('pf_domain_events', 'data', '********')).toBeGreaterThan(0);
  const sealed = await svc.db('pf_records').where({ kind: 'integration_headers', parent_id: id }).first();
  expect(sealed.data.headers.Authorization).toMatch(/^v1:/);

  for (const path of [`integrations/${id}`, 'integrations']) {
    const r = await call('GET', path);
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain(secretPart);
    expect(JSON.stringify(r.body)).toContain('********');
  }

  seen = [];
  const sync = await call('POST', `integrations/${id}/sync`);
  expect(sync.status).toBe(202);
  expect(sync.body.data).toMatchObject({ created: 1 });
  expect(seen).toEqual([TOKEN]);
  expect(JSON.stringify(sync.body)).not.toContain(secretPart);

  // A client PATCHing back what it read keeps the stored token; a new value replaces it.
  const read = (await call('GET', `integrations/${id}`)).body.data;
  const back = await call('PATCH', `integrations/${id}`, { config_json: { ...read.config_json, items_path: '' } });
  expect(back.status).toBe(200);
  expect(back.body.data.config_json.headers).toEqual({ Authorization: '********' });
  seen = [];
  expect((await call('POST', `integrations/${id}/sync`)).status).toBe(202);
  expect(seen).toEqual([TOKEN]);

  await call('PATCH', `integrations/${id}`, { config_json: { url, object_type: 'people', headers: { Authorization: 'Bearer wrong' } } });
  expect((await call('POST', `integrations/${id}/sync`)).status).toBe(502);
  expect(seen.at(-1)).toBe('Bearer wrong');

  expect((await call('DELETE', `integrations/${id}`)).status).toBeLessThan(300);
  expect(await svc.db('pf_records').where({ kind: 'integration_headers', parent_id: id }).first()).toBeUndefined();
});
