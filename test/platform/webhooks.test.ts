/**
 * Webhooks through the generated platform server: signed test/replay sends, the deliveries log, retry,
 * rotation, queued events; signing secrets are sealed at rest and legacy plaintext rows still sign.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { verify } from '../../runtime/effects/webhooks/signature.ts';
import { deliverPlatformWebhooks } from '../../runtime/platform/index.ts';
import { dispatchAll } from '../../runtime/platform/events/dispatcher.ts';
import { adminKey, client } from './helpers.ts';
import { seal } from '../../runtime/secrets/seal.ts';

interface Hit {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}
let svc: TestService;
let call: ReturnType<typeof client>;
let receiver: Server;
let receiverUrl: string;
const hits: Hit[] = [];
let answer = 200;

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.statusCode = answer;
      res.end('ok');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'hooks'));
}, 60_000);
afterAll(async () => {
  await svc?.close();
  await new Promise((r) => receiver?.close(r));
});

const now = () => Math.floor(Date.now() / 1000);
/** Rows anywhere in pf_records whose JSON holds `text` (a signing secret must be in none). */
const rowsHolding = async (text: string) =>
  Number(
    (await svc
      .db('pf_records')
      .whereRaw('data::text like ?', [`%${text}%`])
      .count('* as n')
      .first())!.n,
  );
const storedSecret = async (hookId: string) =>
  (await svc.db('pf_records').where({ kind: 'webhook_secret', parent_id: hookId }).first()).data.secret as string;

it('test and replay send signed payloads and log the deliveries', async () => {
  const hook = (await call('POST', 'webhooks', { url: receiverUrl, events: ['object.created'] })).body.data;
  expect(await rowsHolding(hook.secret.slice(6))).toBe(0);
  expect(await storedSecret(hook.id)).toMatch(/^v1:/);
  hits.length = 0;
  const t = await call('POST', `webhooks/${hook.id}/test`);
  expect(t.body.data).toMatchObject({ status_code: 200, success: true });
  expect(hits).toHaveLength(1);
  const sig = String(hits[0]!.headers['platform-signature']);
  expect(verify(hook.secret, sig, hits[0]!.body, now())).toBe(true);
  expect(verify('whsec_wrong', sig, hits[0]!.body, now())).toBe(false);
  expect(JSON.parse(hits[0]!.body)).toMatchObject({ type: 'webhook.test', data: { webhook_id: hook.id } });

  answer = 500;
  const r = await call('POST', `webhooks/${hook.id}/replay`, { event: 'object.created', payload: { id: 'obj_1' } });
  expect(r.body.data).toMatchObject({ status_code: 500, success: false, error: 'HTTP 500' });
  expect((await call('POST', `webhooks/${hook.id}/replay`, {})).status).toBe(400);

  const log = (await call('GET', `webhook-deliveries?webhook_id=${hook.id}`)).body.data;
  expect(log.total).toBe(2);
  const failed = log.deliveries.find((d: any) => d.event === 'object.created');
  expect(failed).toMatchObject({ status: 'pending', attempts: 1, response_code: 500 });

  answer = 200;
  const retried = (await call('POST', `webhook-deliveries/${failed.id}/retry`)).body.data;
  expect(retried).toMatchObject({ retried: true, delivery: { status: 'delivered', attempts: 2, response_code: 200 } });
  expect((await call('POST', 'webhook-deliveries/whd_missing/retry')).status).toBe(404);
});

it('rotating the secret changes what receivers verify against', async () => {
  const hook = (await call('POST', 'webhooks', { url: receiverUrl })).body.data;
  const rotated = (await call('POST', `webhooks/${hook.id}/rotate-secret`)).body.data;
  expect(rotated.secret).toMatch(/^whsec_/);
  expect(rotated.secret).not.toBe(hook.secret);
  expect(await rowsHolding(rotated.secret.slice(6))).toBe(0);
  expect(await storedSecret(hook.id)).toMatch(/^v1:/);
  hits.length = 0;
  await call('POST', `webhooks/${hook.id}/test`);
  const sig = String(hits[0]!.headers['platform-signature']);
  expect(verify(rotated.secret, sig, hits[0]!.body, now())).toBe(true);
  expect(verify(hook.secret, sig, hits[0]!.body, now())).toBe(false);
});

it('a legacy plaintext secret still signs; a secret sealed under another key fails the attempt, not the worker', async () => {
  const hook = (await call('POST', 'webhooks', { url: receiverUrl })).body.data;
  const legacy = 'whsec_legacy_plaintext_secret';
  await svc
    .db('pf_records')
    .where({ kind: 'webhook_secret', parent_id: hook.id })
    .update({ data: JSON.stringify({ secret: legacy }) });
  hits.length = 0;
  expect((await call('POST', `webhooks/${hook.id}/test`)).body.data).toMatchObject({ success: true });
  expect(verify(legacy, String(hits[0]!.headers['platform-signature']), hits[0]!.body, now())).toBe(true);

  await svc
    .db('pf_records')
    .where({ kind: 'webhook_secret', parent_id: hook.id })
    .update({ data: JSON.stringify({ secret: seal(legacy, randomBytes(32)) }) });
  hits.length = 0;
  const t = (await call('POST', `webhooks/${hook.id}/test`)).body.data;
  expect(t).toMatchObject({ success: false, error: expect.stringMatching(/sealed with another key/) });
  expect(hits).toHaveLength(0);
});

it('object events are queued for subscribed webhooks and delivered by the worker step', async () => {
  // A fresh tenant: only this webhook exists, so exactly its deliveries are pending.
  const call = client(svc, await adminKey(svc, 'hooks-events'));
  const hook = (await call('POST', 'webhooks', { url: receiverUrl, events: ['object.created'] })).body.data;
  const type = (await call('POST', 'object-types', { name: 'leads' })).body.data;
  await call('POST', `object-types/${type.id}/properties`, { name: 'name', data_type: 'string' });
  const obj = await call('POST', `objects/${type.id}`, { properties: { name: 'Ada' } });
  expect(obj.status).toBe(201);
  // The event is in the log; the dispatcher (no job engine in this test) records its delivery.
  await dispatchAll(svc.db, null, []);
  const queued = (await call('GET', `webhook-deliveries?webhook_id=${hook.id}&status=pending`)).body.data;
  expect(queued.deliveries.map((d: any) => d.event)).toEqual(['object.created']);
  hits.length = 0;
  expect(await deliverPlatformWebhooks(svc.db)).toBeGreaterThanOrEqual(1);
  expect(hits.map((h) => JSON.parse(h.body).data.id)).toContain(obj.body.data.id);
  expect((await call('GET', `webhook-deliveries?webhook_id=${hook.id}&status=delivered`)).body.data.total).toBe(1);
  // A webhook with deliveries is deleted only with a confirm token (DEPENDENCY_EXISTS).
  const refused = await call('DELETE', `webhooks/${hook.id}`);
  expect(refused.status).toBe(409);
  expect(refused.body.error.dependencies).toEqual([expect.objectContaining({ type: 'webhook_deliveries', count: 1 })]);
});

it('deliveries that fail for good land in the DLQ, where they can be retried or discarded', async () => {
  const call = client(svc, await adminKey(svc, 'hooks-dlq'));
  const hook = (await call('POST', 'webhooks', { url: receiverUrl })).body.data;
  answer = 500;
  await call('POST', `webhooks/${hook.id}/test`);
  await call('POST', `webhooks/${hook.id}/test`);
  // Seven attempts spent: the next failure is the last.
  await svc
    .db('pf_webhook_deliveries')
    .where({ webhook_id: hook.id })
    .update({ attempts: 7, next_attempt_at: new Date(Date.now() - 1000) });
  await deliverPlatformWebhooks(svc.db);
  const dlq = (await call('GET', 'dlq')).body.data;
  expect(dlq.total).toBe(2);
  expect(dlq.messages.every((m: any) => m.status === 'failed' && m.attempts === 8)).toBe(true);

  answer = 200;
  const [first, second] = dlq.messages;
  expect((await call('POST', `dlq/${first.id}/retry`)).body.data).toMatchObject({
    retried: true,
    message: { status: 'delivered', response_code: 200 },
  });
  expect((await call('DELETE', `dlq/${second.id}`)).body.data).toEqual({ discarded: true });
  expect((await call('GET', 'dlq')).body.data.total).toBe(0);
  expect((await call('POST', `dlq/${first.id}/retry`)).status).toBe(404);
});

it('realtime stats count open event streams of the tenant', async () => {
  const key = await adminKey(svc, 'hooks-rt');
  const call = client(svc, key);
  expect((await call('GET', 'realtime/stats')).body.data).toMatchObject({ total_connections: 0, channel_count: 0 });
  const ac = new AbortController();
  const res = await fetch(`${svc.url}/events/stream?channel=files`, { headers: { authorization: `Bearer ${key}` }, signal: ac.signal });
  const reader = res.body!.getReader();
  await reader.read(); // the ready event: the stream is registered
  expect((await call('GET', 'realtime/stats')).body.data).toMatchObject({
    total_connections: 1,
    channels: [{ channel: 'files', connections: 1 }],
  });
  ac.abort();
  await reader.cancel().catch(() => undefined);
  await expect.poll(async () => (await call('GET', 'realtime/stats')).body.data.total_connections).toBe(0);
});
