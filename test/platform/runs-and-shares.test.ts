/** Automations, scheduled jobs, declarative functions, integration sync, public dashboards, saved reports and policy simulation. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let deals: string;

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'runs-co'));
  deals = (await call('POST', 'object-types', { name: 'deals' })).body.data.id;
  await call('POST', `object-types/${deals}/properties`, { name: 'title', data_type: 'string' });
  await call('POST', `object-types/${deals}/properties`, { name: 'stage', data_type: 'string' });
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

it('automation trigger runs its steps with templates; conditions skip; a failing step rolls the run back', async () => {
  const auto = (
    await call('POST', 'automations', {
      name: 'Welcome',
      trigger_event: 'manual',
      enabled: true,
      conditions: [{ field: 'data.email', op: 'exists' }],
      actions: [
        { type: 'create_object', object_type: 'deals', properties: { title: 'Deal for {{data.email}}', stage: 'new' } },
        { type: 'update_object', object_type: 'deals', object_id: '{{steps.0.id}}', properties: { stage: 'contacted' } },
        { type: 'send_email', to: '{{data.email}}', subject: 'Hi', text: 'Welcome {{data.name}}' },
      ],
    })
  ).body.data.id;
  const run = await call('POST', `automations/${auto}/trigger`, { data: { email: 'ann@example.com', name: 'Ann' } });
  expect(run.status).toBe(200);
  expect(run.body.data).toMatchObject({ status: 'succeeded', error: null });
  const objId = run.body.data.steps[0].result.id;
  const obj = await svc.db('pf_objects').where({ id: objId }).first();
  expect(obj.properties).toEqual({ title: 'Deal for ann@example.com', stage: 'contacted' });
  expect(await svc.db('outbox_messages').where({ to: 'ann@example.com' }).first()).toMatchObject({ subject: 'Hi', body: 'Welcome Ann' });

  expect((await call('POST', `automations/${auto}/trigger`, { data: {} })).body.data).toMatchObject({
    status: 'skipped',
    reason: 'conditions not met',
  });
  const bad = (
    await call('POST', 'automations', {
      name: 'Bad',
      enabled: true,
      actions: [
        { type: 'create_object', object_type: 'deals', properties: { title: 'should vanish' } },
        { type: 'run_shell', command: 'rm -rf /' },
      ],
    })
  ).body.data.id;
  const failed = (await call('POST', `automations/${bad}/trigger`, {})).body.data;
  expect(failed.status).toBe('failed');
  expect(failed.error).toContain('run_shell');
  expect(await svc.db('pf_objects').whereRaw("properties->>'title' = 'should vanish'").first()).toBeUndefined();
  const runs = (await call('GET', `automations/${auto}/runs`)).body.data;
  expect(JSON.stringify(runs)).toContain('skipped');
});

it('scheduled job executes now; functions run declaratively or sandboxed; integration sync of an unknown provider is not configured', async () => {
  const job = (
    await call('POST', 'scheduled-jobs', {
      name: 'Nightly',
      cron_expression: '0 0 * * *',
      action_type: 'create_object',
      action_config: { object_type: 'deals', properties: { title: 'from {{job.name}}' } },
      enabled: true,
    })
  ).body.data.id;
  const ran = await call('POST', `scheduled-jobs/${job}/execute`, {});
  expect(ran.body.data).toMatchObject({ status: 'succeeded', job_id: job });
  expect(await svc.db('pf_objects').whereRaw("properties->>'title' = 'from Nightly'").first()).toBeTruthy();

  const js = (await call('POST', 'functions', { name: 'js', runtime: 'nodejs', code: 'return process.env', enabled: true })).body.data.id;
  // JavaScript runs in the isolated sandbox, where Node's process does not exist (test/platform/functions-sandbox.test.ts).
  const sandboxed = await call('POST', `functions/${js}/execute`, { input: {} });
  expect(sandboxed.status).toBe(200);
  expect(sandboxed.body.data).toMatchObject({ status: 'failed', error: 'ReferenceError: process is not defined' });
  const decl = (
    await call('POST', 'functions', {
      name: 'mk',
      runtime: 'declarative',
      enabled: true,
      code: JSON.stringify({
        steps: [{ type: 'create_object', object_type: 'deals', properties: { title: '{{input.title}}' } }],
        output: { created: '{{steps.0.id}}' },
      }),
    })
  ).body.data.id;
  const out = (await call('POST', `functions/${decl}/execute`, { input: { title: 'via fn' } })).body.data;
  expect(out.status).toBe('succeeded');
  expect(out.output.created).toMatch(/^obj_/);
  expect((await call('GET', `functions/${decl}/logs`)).body.data).toBeTruthy();

  // No HubSpot connector runs here: a 409 naming what is available, never a 2xx that transferred nothing.
  const integ = (await call('POST', 'integrations', { provider: 'hubspot', name: 'CRM' })).body.data.id;
  const sync = await call('POST', `integrations/${integ}/sync`, {});
  expect(sync.status).toBe(409);
  expect(sync.body.error.code).toBe('NOT_CONFIGURED');
  expect(sync.body.error.message).toContain('http_json');
  expect((await call('GET', `integrations/${integ}/logs`)).body.data).toEqual([]);
});

it('public dashboards by share token; saved reports run and export CSV', async () => {
  const dash = (await call('POST', 'dashboards', { name: 'Sales', is_public: false })).body.data;
  expect(dash.share_token).toMatch(/^dsh_/);
  await call('POST', `dashboards/${dash.id}/widgets`, { type: 'number', title: 'Deals' });
  expect((await fetch(`${svc.api}dashboards/public/${dash.share_token}`)).status).toBe(404);
  await call('PATCH', `dashboards/${dash.id}`, { is_public: true });
  const pub = await fetch(`${svc.api}dashboards/public/${dash.share_token}`);
  expect(pub.status).toBe(200);
  expect((await pub.json()).data).toMatchObject({ name: 'Sales', read_only: true, widgets: [{ title: 'Deals' }] });

  const rpt = (
    await call('POST', 'saved-reports', {
      name: 'Contacted deals',
      type: 'table',
      config_json: {
        object_type: 'deals',
        columns: ['title', 'stage'],
        filters: [{ property: 'stage', operator: 'eq', value: 'contacted' }],
      },
    })
  ).body.data.id;
  const run = (await call('POST', `saved-reports/${rpt}/run`, {})).body.data;
  expect(run).toMatchObject({ row_count: 1, columns: ['id', 'title', 'stage', 'created_at'] });
  const csv = await fetch(`${svc.api}saved-reports/${rpt}/export?format=csv`, {
    method: 'POST',
    headers: { authorization: await adminAuth() },
  });
  expect(csv.headers.get('content-type')).toContain('text/csv');
  const text = await csv.text();
  expect(text.split('\n')[0]).toBe('id,title,stage,created_at');
  expect(text).toContain('Deal for ann@example.com,contacted');
});

let auth: string | undefined;
async function adminAuth() {
  auth ??= `Bearer ${await adminKey(svc, 'runs-co')}`;
  return auth;
}

it('policy simulation: stored and inline policies, roles, deny wins, default deny', async () => {
  await call('POST', `object-types/${deals}/policies`, {
    name: 'owners read',
    action: 'read',
    condition_json: [{ field: 'row.owner_id', op: 'eq', value: '{{auth.user_id}}' }],
    enabled: true,
  });
  await call('POST', `object-types/${deals}/policies`, { name: 'managers read all', action: 'read', role: 'manager', enabled: true });
  const rows = [{ owner_id: 'u1', stage: 'new' }, { owner_id: 'u2' }];
  const sim = await call('POST', 'policies/simulate', { object_type_id: deals, auth_context: { user_id: 'u1' }, sample_data: rows });
  expect(sim.status).toBe(200);
  expect(sim.body.data.results.map((r: any) => [r.allowed, r.decided_by])).toEqual([
    [true, 'owners read'],
    [false, null],
  ]);
  const mgr = await call('POST', 'policies/simulate', {
    object_type_id: deals,
    auth_context: { user_id: 'u9', roles: ['manager'] },
    sample_data: rows,
  });
  expect(mgr.body.data.allowed_count).toBe(2);
  expect(
    (
      await call('POST', 'policies/simulate', {
        object_type_id: deals,
        action: 'delete',
        auth_context: { user_id: 'u1' },
        sample_data: rows,
      })
    ).body.data.allowed_count,
  ).toBe(0);
  const inline = await call('POST', 'policies/simulate', {
    policy: [
      { name: 'admins', effect: 'allow', conditions: { any: [{ field: 'auth.roles', op: 'contains', value: 'admin' }] } },
      { name: 'no archived', effect: 'deny', conditions: [{ field: 'row.stage', op: 'eq', value: 'archived' }] },
    ],
    auth_context: { roles: ['admin'] },
    sample_data: [{ stage: 'new' }, { stage: 'archived' }],
  });
  expect(inline.body.data.results.map((r: any) => [r.allowed, r.decided_by])).toEqual([
    [true, 'admins'],
    [false, 'no archived'],
  ]);
  // POST /v1/sql is served (test/platform/sql/): a SELECT runs on PostgreSQL; PGlite answers 409 SQL_NOT_CONFIGURED.
  const sql = await call('POST', 'sql', { sql: 'select 1' });
  expect(sql.status).toBe(process.env.DATABASE_URL ? 200 : 409);
});
