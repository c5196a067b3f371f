/** Data import/export, reports and analytics, and form exports through the generated platform server. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let key: string;
let call: ReturnType<typeof client>;
let typeId: string;
let dir: string;
const before = process.env.LOOP_STORAGE_DIR;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pf-data-'));
  process.env.LOOP_STORAGE_DIR = dir;
  svc = await startTestService('platform');
  key = await adminKey(svc, 'data-co');
  call = client(svc, key);
  typeId = (await call('POST', 'object-types', { name: 'deals' })).body.data.id;
  for (const p of [
    { name: 'name', data_type: 'string', is_required: true },
    { name: 'owner', data_type: 'string' },
    { name: 'amount', data_type: 'number' },
    { name: 'stage', data_type: 'enum', enum_values: ['lead', 'qualified', 'won'] },
  ])
    expect((await call('POST', `object-types/${typeId}/properties`, p)).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await svc?.close();
  if (before === undefined) delete process.env.LOOP_STORAGE_DIR;
  else process.env.LOOP_STORAGE_DIR = before;
  await rm(dir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(svc.api + path, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

it('imports JSON and CSV rows, reporting bad rows by number', async () => {
  const json = await call('POST', 'data/import', {
    object_type_id: typeId,
    format: 'json',
    data: [
      { name: 'Acme', owner: 'ann', amount: 100, stage: 'lead' },
      { name: 'Globex', owner: 'bob', amount: 250, stage: 'qualified' },
      { owner: 'nobody' },
    ],
  });
  expect(json.body.data).toMatchObject({ imported: 2, total: 3 });
  expect(json.body.data.errors).toEqual([expect.objectContaining({ row: 3 })]);

  const csv = 'name,owner,amount,stage\nInitech,ann,300,won\nHooli,ann,50,qualified\nBad,carl,lots,won\n';
  const r = await call('POST', 'data/import', { object_type_id: typeId, format: 'csv', data: csv });
  expect(r.body.data).toMatchObject({ imported: 2, total: 3 });
  expect(r.body.data.errors[0]).toMatchObject({ row: 3 });
  expect((await call('POST', 'data/import', { object_type_id: typeId, format: 'xml', data: [] })).status).toBe(400);
  expect((await call('POST', 'data/import', { object_type_id: 'nope', data: [] })).status).toBe(404);
});

it('exports to CSV and JSON and downloads the file', async () => {
  const csv = (await call('POST', 'data/export', { object_type_id: typeId, format: 'csv' })).body.data;
  expect(csv).toMatchObject({ format: 'csv', record_count: 4, download_path: `/v1/data/export/${csv.export_id}` });
  const file = await get(`data/export/${csv.export_id}`);
  expect(file.type).toContain('text/csv');
  const lines = file.text.trim().split('\n');
  expect(lines[0]).toBe('id,amount,name,owner,stage,created_at,updated_at');
  expect(lines).toHaveLength(5);
  expect(lines.some((l) => l.includes(',300,Initech,ann,won,'))).toBe(true);

  const js = (await call('POST', 'data/export', { object_type_id: 'deals' })).body.data;
  const parsed = JSON.parse((await get(`data/export/${js.export_id}`)).text);
  expect(parsed.map((o: any) => o.properties.name).sort()).toEqual(['Acme', 'Globex', 'Hooli', 'Initech']);
  expect((await get('data/export/exp_missing')).status).toBe(404);
});

it('reports: leaderboard, pipeline, funnel, time series', async () => {
  const lb = (
    await call('POST', 'reports/leaderboard', { object_type_id: typeId, group_by: 'owner', aggregation: 'sum', value_property: 'amount' })
  ).body.data;
  expect(lb.entries).toEqual([
    { rank: 1, key: 'ann', value: 450 },
    { rank: 2, key: 'bob', value: 250 },
  ]);
  const counted = (await call('POST', 'reports/leaderboard', { object_type_id: typeId, group_by: 'owner', limit: 1 })).body.data;
  expect(counted.entries).toEqual([{ rank: 1, key: 'ann', value: 3 }]);

  const pipe = (await call('POST', 'reports/pipeline', { object_type_id: typeId, stage_property: 'stage', value_property: 'amount' })).body
    .data;
  expect(pipe.stages.map((s: any) => [s.stage, s.count, s.value])).toEqual([
    ['lead', 1, 100],
    ['qualified', 2, 300],
    ['won', 1, 300],
  ]);
  expect(pipe.total).toBe(4);

  const steps = JSON.stringify([
    { name: 'All', filters: [] },
    { name: 'Ann', filters: ['owner=ann'] },
    { name: 'Big', filters: [{ property: 'amount', operator: 'gte', value: 100 }] },
  ]);
  const funnel = (await call('POST', 'reports/funnel', { object_type_id: typeId, steps: JSON.parse(steps) })).body.data;
  expect(funnel.steps.map((s: any) => s.count)).toEqual([4, 3, 2]);
  expect(funnel.steps[2].conversion_from_start).toBe(0.5);
  expect((await call('POST', 'reports/funnel', { object_type_id: typeId, steps: 'not-a-list' })).status).toBe(400);

  const ts = (
    await call('POST', 'reports/timeseries', { object_type_id: typeId, interval: 'month', aggregation: 'sum', value_property: 'amount' })
  ).body.data;
  expect(ts.series).toHaveLength(1);
  expect(ts.series[0].value).toBe(700);
  expect(ts.series[0].period).toMatch(/^\d{4}-\d{2}-01T00:00:00Z$/);
  expect((await call('POST', 'reports/timeseries', { object_type_id: typeId, interval: 'minute' })).status).toBe(400);
});

it('tenant analytics and the custom event engine count real rows', async () => {
  await call('POST', 'events', { event_type: 'signup', data: {} });
  await call('POST', 'events', { event_type: 'signup', data: {} });
  await call('POST', 'events', { event_type: 'upgrade', data: {} });
  const an = (await call('GET', 'analytics?period=7d')).body.data;
  expect(an.totals).toMatchObject({ objects: 4, object_types: 1 });
  expect(an.objects_by_type).toEqual([{ object_type: 'deals', count: 4 }]);
  expect(an.activity.events_tracked).toBe(3);
  const eng = (await call('GET', 'analytics/engine?period=24h')).body.data;
  expect(eng.by_event).toEqual([
    { event: 'signup', count: 2 },
    { event: 'upgrade', count: 1 },
  ]);
  expect(eng.total).toBe(3);
  expect((await call('GET', 'analytics?period=forever')).status).toBe(400);
});

it('forms: duplicate, export submissions, analytics', async () => {
  const form = (await call('POST', 'forms', { name: 'Contact', fields: [{ name: 'email' }, { name: 'message' }], status: 'active' })).body
    .data;
  for (const body of [
    { email: 'a@x.io', message: 'hi, there' },
    { email: 'b@x.io', message: 'yo', extra: 1 },
  ]) {
    expect(
      (
        await fetch(`${svc.api}forms/${form.id}/submit`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        })
      ).status,
    ).toBe(201);
  }
  const csv = await get(`forms/${form.id}/submissions/export`);
  const lines = csv.text.trim().split('\n');
  expect(lines[0]).toBe('submission_id,submitted_at,email,message,extra');
  expect(lines.some((l) => l.endsWith(',a@x.io,"hi, there",'))).toBe(true);
  const an = (await call('GET', `forms/${form.id}/analytics`)).body.data;
  expect(an.total_submissions).toBe(2);
  const copy = await call('POST', `forms/${form.id}/duplicate`);
  expect(copy.body.data).toMatchObject({ name: 'Contact (copy)', duplicated_from: form.id });
  expect(copy.body.data.id).not.toBe(form.id);
});
