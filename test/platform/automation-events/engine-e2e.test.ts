/**
 * The same flows end to end on the running service's own workers (the wiring's start hook: the
 * pg-boss job engine dispatching committed events to the automation consumer, and the scheduler): an
 * object created through the API → the automation's run appears and its effect is visible; a failing
 * action is retried by the engine with back-off (1 s here) and lands in GET /v1/dlq.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';
import { startReceiver, type Receiver } from './harness.ts';
import { MAX_ATTEMPTS } from '../../../runtime/platform/automation/on-event.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let receiver: Receiver;
const delay = process.env.WEBHOOK_RETRY_DELAY_SECONDS;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  // The engine's first retry after 1 s (doubled each retry), so the retry path fits in a test.
  process.env.WEBHOOK_RETRY_DELAY_SECONDS = '1';
  svc = await startTestService('platform', { workers: true });
  call = client(svc, await adminKey(svc, 'engine-co'));
  receiver = await startReceiver();
  const t = (await call('POST', 'object-types', { name: 'orders' })).body.data.id;
  await call('POST', `object-types/${t}/properties`, { name: 'status', data_type: 'string' });
}, 120_000);
afterAll(async () => {
  if (delay === undefined) delete process.env.WEBHOOK_RETRY_DELAY_SECONDS;
  else process.env.WEBHOOK_RETRY_DELAY_SECONDS = delay;
  await receiver?.close();
  await svc?.close();
});

it('create an object → the automation runs on the engine and its effect is visible', async () => {
  const auto = (
    await call('POST', 'automations', {
      name: 'Accept orders',
      trigger_event: 'object.created',
      enabled: true,
      conditions: [{ field: 'data.properties.status', op: 'eq', value: 'new' }],
      actions: [
        { type: 'update_object', object_type: 'orders', object_id: '{{data.id}}', properties: { status: 'accepted' } },
        { type: 'webhook', url: `${receiver.url}/accepted`, body: { order: '{{data.id}}' } },
      ],
    })
  ).body.data.id;
  const order = (await call('POST', 'objects/orders', { properties: { status: 'new' } })).body.data;
  const run = await until('the run', async () =>
    ((await call('GET', `automations/${auto}/runs`)).body.data.runs as any[]).find((r) => r.input?.id === order.id),
  );
  expect(run).toMatchObject({ status: 'succeeded', trigger: 'event', event_type: 'object.created' });
  expect((await call('GET', `objects/orders/${order.id}`)).body.data.properties.status).toBe('accepted');
  expect(receiver.hits.filter((h) => h.path === '/accepted').map((h) => h.body)).toEqual([{ order: order.id }]);
  await call('PATCH', `automations/${auto}`, { enabled: false });
});

it('a failing action is retried by the engine, then dead-lettered', async () => {
  receiver.answer(500);
  const auto = (
    await call('POST', 'automations', {
      name: 'Ship',
      trigger_event: 'object.created',
      enabled: true,
      conditions: [{ field: 'data.properties.status', op: 'eq', value: 'paid' }],
      actions: [{ type: 'http_request', url: `${receiver.url}/ship`, body: { order: '{{data.id}}' } }],
    })
  ).body.data.id;
  const order = (await call('POST', 'objects/orders', { properties: { status: 'paid' } })).body.data;
  const letter = await until('the dead letter', async () =>
    ((await call('GET', 'dlq')).body.data.messages as any[]).find((m) => m.automation_id === auto),
  );
  expect(letter).toMatchObject({ source: 'automation_run', attempts: MAX_ATTEMPTS, event_id: expect.any(String) });
  const runs = ((await call('GET', `automations/${auto}/runs`)).body.data.runs as any[]).filter((r) => r.input?.id === order.id);
  expect(runs.map((r) => r.attempt).sort()).toEqual(Array.from({ length: MAX_ATTEMPTS }, (_, i) => i + 1));
  expect(receiver.hits.filter((h) => h.path === '/ship')).toHaveLength(MAX_ATTEMPTS);
  receiver.answer(200);
});
