/**
 * Automations on their trigger events (runtime/platform/automation/on-event.ts): objects created
 * through the API append object.created; the consumer runs the tenant's matching automations, records
 * each run (GET /v1/automations/:id/runs) and its actions' effects are visible — an updated field, a
 * created object, a hit on a local receiver. A failing action is retried, then dead-lettered (GET
 * /v1/dlq, retry and discard); an automation that re-triggers itself is cut off with AUTOMATION_LOOP.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';
import { eventPump, startReceiver, type Receiver } from './harness.ts';
import { MAX_ATTEMPTS } from '../../../runtime/platform/automation/on-event.ts';
import { MAX_DEPTH } from '../../../runtime/platform/automation/causation.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let other: ReturnType<typeof client>;
let receiver: Receiver;
let pump: ReturnType<typeof eventPump>;

async function makeType(c: typeof call, name: string, props: Record<string, string>) {
  const id = (await c('POST', 'object-types', { name })).body.data.id;
  for (const [p, t] of Object.entries(props)) await c('POST', `object-types/${id}/properties`, { name: p, data_type: t });
  return id as string;
}

const runsOf = async (auto: string) => (await call('GET', `automations/${auto}/runs`)).body.data.runs as any[];

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'auto-co'));
  other = client(svc, await adminKey(svc, 'auto-other'));
  receiver = await startReceiver();
  pump = eventPump(svc.db);
  await makeType(call, 'deals', { title: 'string', stage: 'string' });
  await makeType(call, 'tasks', { title: 'string', deal_id: 'string' });
  await makeType(call, 'loops', { n: 'integer' });
  await makeType(other, 'deals', { title: 'string', stage: 'string' });
}, 90_000);
afterAll(async () => {
  await receiver?.close();
  await svc?.close();
});

it('object.created runs the matching automation: its run is recorded and its actions take effect', async () => {
  const auto = (
    await call('POST', 'automations', {
      name: 'New deal follow-up',
      trigger_event: 'object.created',
      enabled: true,
      conditions: [{ field: 'data.properties.stage', op: 'eq', value: 'new' }],
      actions: [
        { type: 'update_object', object_type: 'deals', object_id: '{{data.id}}', properties: { stage: 'qualified' } },
        {
          type: 'create_object',
          object_type: 'tasks',
          properties: { title: 'Call about {{data.properties.title}}', deal_id: '{{data.id}}' },
        },
        { type: 'webhook', url: `${receiver.url}/hook`, body: { deal: '{{data.id}}', title: '{{data.properties.title}}' } },
      ],
    })
  ).body.data.id;
  const deal = (await call('POST', 'objects/deals', { properties: { title: 'Acme', stage: 'new' } })).body.data;
  const skipped = (await call('POST', 'objects/deals', { properties: { title: 'Old', stage: 'won' } })).body.data;
  await pump.deliverNew();

  const runs = await runsOf(auto);
  const mine = runs.find((r) => r.event_id && r.input?.id === deal.id);
  expect(mine).toMatchObject({ status: 'succeeded', trigger: 'event', event_type: 'object.created', attempt: 1, error: null });
  expect(runs.find((r) => r.input?.id === skipped.id)).toMatchObject({ status: 'skipped', reason: 'conditions not met' });
  // Effects: the field, the new object, the receiver hit.
  expect((await call('GET', `objects/deals/${deal.id}`)).body.data.properties.stage).toBe('qualified');
  const tasks = await svc.db('pf_objects').whereRaw("properties->>'deal_id' = ?", [deal.id]);
  expect(tasks.map((t) => t.properties.title)).toEqual(['Call about Acme']);
  expect(receiver.hits.filter((h) => h.path === '/hook').map((h) => h.body)).toEqual([{ deal: deal.id, title: 'Acme' }]);
  // The actions' writes appended their own events, marked as caused by the automation.
  const caused = await svc.db('pf_domain_events').whereRaw("data->'causation'->'chain' @> ?::jsonb", [JSON.stringify([auto])]);
  expect(caused.map((e) => e.type).sort()).toEqual(['automation.run', 'object.created', 'object.updated']);
  // The run itself is an event (webhooks and realtime see outcomes); skipped runs are not.
  const announced = await svc.db('pf_domain_events').where({ type: 'automation.run' }).whereRaw("data->>'automation_id' = ?", [auto]);
  expect(announced.map((e) => e.data)).toEqual([
    expect.objectContaining({ status: 'succeeded', run_id: mine.id, event_type: 'object.created' }),
  ]);
  // Delivered again (the engine's at-least-once), the event is not acted on twice.
  const before = receiver.hits.length;
  const [ev] = await svc.db('pf_domain_events').where({ type: 'object.created' }).whereRaw("data->>'id' = ?", [deal.id]);
  await pump.redeliver([{ seq: Number(ev.seq), id: ev.id, type: ev.type, tenant: Number(ev.company_id), data: ev.data, created_at: '' }]);
  expect(receiver.hits.length).toBe(before);
  expect((await runsOf(auto)).filter((r) => r.input?.id === deal.id)).toHaveLength(1);

  // Another tenant's object never runs this tenant's automation.
  await other('POST', 'objects/deals', { properties: { title: 'Theirs', stage: 'new' } });
  await pump.deliverNew();
  expect((await runsOf(auto)).some((r) => r.input?.properties?.title === 'Theirs')).toBe(false);
  await call('PATCH', `automations/${auto}`, { enabled: false });
});

it('a failing action is retried, then dead-lettered; the DLQ retries and discards it', async () => {
  receiver.answer(503);
  const auto = (
    await call('POST', 'automations', {
      name: 'Notify CRM',
      trigger_event: 'object.*',
      enabled: true,
      conditions: [{ field: 'data.properties.title', op: 'eq', value: 'Flaky' }],
      actions: [{ type: 'http_request', url: `${receiver.url}/crm`, body: { id: '{{data.id}}' } }],
    })
  ).body.data.id;
  const deal = (await call('POST', 'objects/deals', { properties: { title: 'Flaky', stage: 'won' } })).body.data;
  let pending = await pump.deliverNew();
  expect(pending).toHaveLength(1);
  for (let i = 1; i < MAX_ATTEMPTS; i++) pending = await pump.redeliver(pending);
  expect(pending).toEqual([]);
  const runs = (await runsOf(auto)).filter((r) => r.input?.id === deal.id).sort((x, y) => x.attempt - y.attempt);
  expect(runs.map((r) => [r.attempt, r.status, r.final])).toEqual(
    Array.from({ length: MAX_ATTEMPTS }, (_, i) => [i + 1, 'failed', i + 1 === MAX_ATTEMPTS]),
  );
  expect(runs.at(-1)).toMatchObject({ dead_lettered: true });
  expect(runs[0].error).toContain('503');
  expect(receiver.hits.filter((h) => h.path === '/crm')).toHaveLength(MAX_ATTEMPTS);

  const dlq = (await call('GET', 'dlq')).body.data;
  const letter = dlq.messages.find((m: any) => m.source === 'automation_run' && m.automation_id === auto);
  expect(letter).toMatchObject({ event: 'object.created', attempts: MAX_ATTEMPTS, status: 'failed' });
  expect(dlq.total).toBeGreaterThanOrEqual(1);
  // The receiver recovers: a retry from the DLQ runs the automation once more and the letter is gone.
  receiver.answer(200);
  const retried = await call('POST', `dlq/${letter.id}/retry`);
  expect(retried.status).toBe(200);
  expect(retried.body.data).toMatchObject({ retried: true, message: { retry: { status: 'succeeded' } } });
  expect((await call('GET', 'dlq')).body.data.messages.some((m: any) => m.id === letter.id)).toBe(false);

  // A step's own mistake (a 4xx answer) is not retried: dead-lettered at the first attempt, then discarded.
  receiver.answer(422);
  const bad = (await call('POST', 'objects/deals', { properties: { title: 'Flaky', stage: 'lost' } })).body.data;
  expect(await pump.deliverNew()).toEqual([]);
  expect((await runsOf(auto)).find((r) => r.input?.id === bad.id)).toMatchObject({ attempt: 1, final: true, dead_lettered: true });
  const second = (await call('GET', 'dlq')).body.data.messages.find((m: any) => m.automation_id === auto);
  expect((await call('DELETE', `dlq/${second.id}`)).body.data).toEqual({ discarded: true });
  expect((await call('GET', 'dlq')).body.data.messages.some((m: any) => m.automation_id === auto)).toBe(false);
  receiver.answer(200);
  await call('PATCH', `automations/${auto}`, { enabled: false });
});

it('an automation that re-triggers itself is cut off with AUTOMATION_LOOP', async () => {
  const auto = (
    await call('POST', 'automations', {
      name: 'Breeder',
      trigger_event: 'object.created',
      enabled: true,
      conditions: [{ field: 'data.object_type_id', op: 'exists' }],
      actions: [{ type: 'create_object', object_type: 'loops', properties: { n: 1 } }],
    })
  ).body.data.id;
  const loopsType = (await call('GET', 'object-types')).body.data.find((t: any) => t.name === 'loops').id;
  await call('PATCH', `automations/${auto}`, { conditions: [{ field: 'data.object_type_id', op: 'eq', value: loopsType }] });
  await call('POST', 'objects/loops', { properties: { n: 0 } });
  for (let i = 0; i < MAX_DEPTH + 3; i++) await pump.deliverNew();

  const runs = await runsOf(auto);
  expect(runs.filter((r) => r.status === 'succeeded')).toHaveLength(MAX_DEPTH);
  const cut = runs.filter((r) => r.status === 'failed');
  expect(cut).toHaveLength(1);
  expect(cut[0]).toMatchObject({ error_code: 'AUTOMATION_LOOP', depth: MAX_DEPTH, final: true });
  expect(cut[0].error).toContain(auto);
  expect(await svc.db('pf_objects').where({ object_type_id: loopsType }).count({ n: '*' }).first()).toMatchObject({ n: expect.anything() });
  const n = Number((await svc.db('pf_objects').where({ object_type_id: loopsType }).count({ n: '*' }).first())!.n);
  expect(n).toBe(MAX_DEPTH + 1);
});
