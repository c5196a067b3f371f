/**
 * POST /v1/forms/:id/submit (public): the submission is checked against the form's fields (required,
 * types, email and url formats → 400 naming each field, nothing written) and, in the same
 * transaction, creates the object in the linked type and appends object.created and form.submitted;
 * the answer is the document's `{submitted: true, object_id}`.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let leads: string;
let form: string;

const submit = async (id: string, body: unknown) => {
  const res = await fetch(`${svc.api}forms/${id}/submit`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};
const count = async (table: string, where: Record<string, unknown>) =>
  Number((await svc.db(table).where(where).count({ n: '*' }).first())!.n);

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'forms-co'));
  leads = (await call('POST', 'object-types', { name: 'leads' })).body.data.id;
  await call('POST', `object-types/${leads}/properties`, { name: 'email', data_type: 'email', is_required: true });
  await call('POST', `object-types/${leads}/properties`, { name: 'name', data_type: 'string' });
  await call('POST', `object-types/${leads}/properties`, { name: 'website', data_type: 'url' });
  await call('POST', `object-types/${leads}/properties`, { name: 'employees', data_type: 'integer' });
  form = (
    await call('POST', 'forms', {
      name: 'Contact us',
      object_type_id: leads,
      status: 'active',
      fields: [
        { name: 'email', type: 'email', required: true },
        { name: 'full_name', type: 'text', required: true, property: 'name' },
        { name: 'website', type: 'url' },
        { name: 'size', type: 'integer', property: 'employees' },
        { name: 'source', type: 'select', options: ['ads', 'friend'] },
      ],
    })
  ).body.data.id;
}, 90_000);
afterAll(async () => {
  await svc?.close();
});

it('a valid submission creates the object in the linked type and appends its events', async () => {
  const res = await submit(form, { email: 'ann@example.com', full_name: 'Ann', website: 'https://ann.example.com', size: 12, note: 'hi' });
  expect(res.status).toBe(201);
  expect(res.body.data).toEqual({ submitted: true, object_id: expect.stringMatching(/^obj_/) });
  const id = res.body.data.object_id;
  const obj = (await call('GET', `objects/${leads}/${id}`)).body.data;
  // Declared fields fill their properties; an undeclared key stays with the submission only.
  expect(obj.properties).toEqual({ email: 'ann@example.com', name: 'Ann', website: 'https://ann.example.com', employees: 12 });
  const subs = (await call('GET', `forms/${form}/submissions`)).body.data.submissions;
  expect(subs).toHaveLength(1);
  const events = await svc.db('pf_domain_events').whereIn('type', ['object.created', 'form.submitted']).orderBy('seq');
  expect(events.map((e) => [e.type, e.data.id ?? e.data.object_id])).toEqual([
    ['object.created', id],
    ['form.submitted', id],
  ]);
  expect(events[1].data).toMatchObject({ form_id: form, data: { email: 'ann@example.com' } });
});

it('bad values are 400 naming each field, and nothing is written', async () => {
  const objects = await count('pf_objects', { object_type_id: leads });
  const events = await count('pf_domain_events', {});
  const bad = await submit(form, { email: 'not-an-email', website: 'javascript:alert(1)', size: 'ten', source: 'tv' });
  expect(bad.status).toBe(400);
  expect(bad.body).toMatchObject({ success: false, error: { code: 'VALIDATION_ERROR' } });
  expect(bad.body.error.fields).toEqual({
    email: ['must be an email address'],
    full_name: ['is required'],
    website: ['must be an http(s) URL'],
    size: ['must be an integer'],
    source: ['must be one of: ads, friend'],
  });
  expect((await submit(form, { email: 'a@b', full_name: 'X' })).body.error.fields).toEqual({ email: ['must be an email address'] });
  expect(await count('pf_objects', { object_type_id: leads })).toBe(objects);
  expect(await count('pf_domain_events', {})).toBe(events);
  expect((await call('GET', `forms/${form}/submissions`)).body.data.submissions).toHaveLength(1);
});

it('a form without declared fields hands the keys to the object type, whose errors name the keys', async () => {
  const open = (await call('POST', 'forms', { name: 'Open', object_type_id: 'leads', status: 'active' })).body.data.id;
  expect((await submit(open, { email: 'bob@example.com', employees: 3 })).status).toBe(201);
  const bad = await submit(open, { email: 'nope', colour: 'red' });
  expect(bad.status).toBe(400);
  expect(Object.keys(bad.body.error.fields).sort()).toEqual(['colour', 'email']);
  // Inactive forms take nothing; unknown ones are 404.
  await call('PATCH', `forms/${open}`, { status: 'inactive' });
  expect((await submit(open, { email: 'bob@example.com' })).status).toBe(404);
  expect((await submit('form_missing', {})).status).toBe(404);
});
