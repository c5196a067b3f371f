/** Associations between objects, approval workflows and the notifications they leave, through the platform server. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let user: ReturnType<typeof client>;
let deals: string;
let people: string;

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'links-co'));
  deals = (await call('POST', 'object-types', { name: 'deals' })).body.data.id;
  people = (await call('POST', 'object-types', { name: 'people' })).body.data.id;
  await call('POST', `object-types/${deals}/properties`, { name: 'title', data_type: 'string' });
  await call('POST', `object-types/${people}/properties`, { name: 'name', data_type: 'string' });
  user = client(svc, (await call('POST', 'auth/signup', { email: 'sam@example.com', password: 'correct-horse' })).body.data.access_token);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

it('associations: upsert, list by direction and type, delete', async () => {
  const d = (await call('POST', `objects/${deals}`, { properties: { title: 'Big deal' } })).body.data.id;
  const p = (await call('POST', `objects/${people}`, { properties: { name: 'Ann' } })).body.data.id;
  const first = await call('POST', `objects/deals/${d}/associations/contact/people/${p}`, { meta: { role: 'buyer' } });
  expect(first.status).toBe(201);
  const again = await call('POST', `objects/deals/${d}/associations/contact/people/${p}`, { meta: { role: 'owner' } });
  expect(again.status).toBe(200);
  expect(again.body.data.id).toBe(first.body.data.id);
  expect((await call('POST', `objects/deals/${d}/associations/contact/people/obj_missing`, {})).status).toBe(404);

  const out = (await call('GET', `objects/deals/${d}/associations?direction=out`)).body.data;
  expect(out).toMatchObject({ total: 1, results: [{ to_id: p, association_type: 'contact', meta: { role: 'owner' }, direction: 'out' }] });
  const inc = (await call('GET', `objects/people/${p}/associations`)).body.data;
  expect(inc.results.map((r: any) => [r.from_id, r.direction])).toEqual([[d, 'in']]);
  expect((await call('GET', `objects/people/${p}/associations?direction=out`)).body.data.total).toBe(0);
  expect((await call('GET', `objects/people/${p}/associations?association_type=other`)).body.data.total).toBe(0);

  expect((await call('DELETE', `objects/deals/${d}/associations/contact/people/${p}`)).body.data.deleted).toBe(true);
  const gone = await call('DELETE', `objects/deals/${d}/associations/contact/people/${p}`);
  expect(gone.status, JSON.stringify(gone.body)).toBe(404);
});

it('approvals move through stages and notify the end user who created the object', async () => {
  const mine = (await user('POST', `objects/${deals}`, { properties: { title: 'My deal' } })).body.data.id;
  expect((await call('GET', `objects/${deals}/${mine}/workflow-status`)).body.data.status).toBe('none');
  expect((await call('POST', `objects/${deals}/${mine}/submit-for-review`)).status).toBe(404);
  await call('POST', `object-types/${deals}/workflows`, { name: 'Sign-off', stages: ['Manager', { name: 'Finance' }], enabled: true });

  expect((await call('POST', `objects/${deals}/${mine}/approve`, {})).status).toBe(409);
  expect((await call('POST', `objects/${deals}/${mine}/submit-for-review`)).body.data).toMatchObject({
    submitted: true,
    status: 'in_review',
    stage: 'Manager',
  });
  expect((await call('POST', `objects/${deals}/${mine}/submit-for-review`)).status).toBe(409);
  expect((await call('POST', `objects/${deals}/${mine}/approve`, { comment: 'ok' })).body.data).toMatchObject({
    approved: false,
    stage: 'Finance',
  });
  expect((await user('GET', 'auth/notifications/count')).body.data.count).toBe(0);
  expect((await call('POST', `objects/${deals}/${mine}/approve`, {})).body.data).toMatchObject({
    approved: true,
    status: 'approved',
    stage: null,
  });
  const status = (await call('GET', `objects/${deals}/${mine}/workflow-status`)).body.data;
  expect(status.history.map((h: any) => [h.action, h.stage])).toEqual([
    ['submitted', 'Manager'],
    ['approved', 'Manager'],
    ['approved', 'Finance'],
  ]);

  // Resubmitted and rejected: a second notification.
  await call('POST', `objects/${deals}/${mine}/submit-for-review`);
  expect((await call('POST', `objects/${deals}/${mine}/reject`, { reason: 'too big' })).body.data).toMatchObject({
    rejected: true,
    status: 'rejected',
  });

  expect((await user('GET', 'auth/notifications/count')).body.data.count).toBe(2);
  const list = (await user('GET', 'auth/notifications')).body.data;
  expect(list.results.map((n: any) => n.title)).toEqual(['Your submission was rejected.', 'Your submission was approved.']);
  expect((await user('POST', `auth/notifications/${list.results[0].id}/read`)).body.data.read).toBe(true);
  expect((await user('GET', 'auth/notifications/count')).body.data.count).toBe(1);
  expect((await user('POST', 'auth/notifications/read-all')).body.data.updated).toBe(1);
  expect((await user('GET', 'auth/notifications/count')).body.data.count).toBe(0);
  expect((await user('POST', 'auth/notifications/ntf_missing/read')).status).toBe(404);
});
