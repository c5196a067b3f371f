/**
 * Answers of platform actions validate against what generated/platform/openapi.json documents for
 * them (status and body, checked with the fuzz suite's ajv validator): the actions whose responses the
 * catalogue now declares (spec/platform/*.yaml `response:`) instead of leaving `data` documented as null.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from './automation-events/harness.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { ResponseValidator } from '../fuzz/lib/checks.ts';
import { documented, loadDoc, operations, type Operation } from '../fuzz/lib/operations.ts';
import { adminKey } from './helpers.ts';

let svc: TestService;
let key: string;
const doc = loadDoc('platform');
const validator = new ResponseValidator(doc);
const byKey = new Map(operations(doc).map((op) => [op.key, op]));

beforeAll(async () => {
  svc = await startTestService('platform');
  key = await adminKey(svc, 'documented-co');
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

/** Values of `{name}` in a path template, in order. */
function fill(template: string, values: readonly string[]): string {
  let i = 0;
  return template.replace(/\{[^}]+\}/g, () => encodeURIComponent(values[i++] ?? ''));
}

/**
 * Calls `METHOD /template` with the path values and body; expects a 2xx that the document lists, whose
 * JSON body validates against the documented schema. Returns the envelope's `data`.
 */
async function documentedCall(
  opKey: string,
  values: readonly string[] = [],
  body?: unknown,
  init: RequestInit = {},
  query = '',
): Promise<any> {
  const op: Operation | undefined = byKey.get(opKey);
  expect(op, `${opKey} is in the document`).toBeDefined();
  const [method, template] = opKey.split(' ') as [string, string];
  const res = await fetch(svc.api + fill(template, values).replace(/^\//, '') + query, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  expect(res.status, `${opKey} → ${res.status} ${text.slice(0, 300)}`).toBeLessThan(300);
  const media = documented(op!, res.status);
  expect(media, `${opKey}: status ${res.status} is documented`).toBeDefined();
  const pointer = media!['application/json'];
  expect(pointer, `${opKey}: a JSON body is documented`).toBeTruthy();
  const value = JSON.parse(text);
  expect(validator.validate(pointer!, value), `${opKey}: ${text.slice(0, 300)}`).toBeNull();
  // The document says more than "anything": `data` is not documented as null.
  expect(value.data).not.toBeNull();
  return value.data;
}

describe('documented answers', () => {
  it('child records: widgets, policies, views, workflows, comments, role permissions and assignments', async () => {
    const dash = await documentedCall('POST /dashboards', [], { name: 'Ops', is_public: true });
    const widget = await documentedCall('POST /dashboards/{dashboard_id}/widgets', [dash.id], {
      type: 'chart',
      title: 'Deals',
      config_json: { a: 1 },
    });
    expect(widget).toMatchObject({ parent_id: dash.id, type: 'chart', title: 'Deals' });
    await documentedCall('PATCH /dashboards/{dashboard_id}/widgets/{widget_id}', [dash.id, widget.id], { title: 'Deals won' });
    const shared = await documentedCall('GET /dashboards/public/{share_token}', [dash.share_token]);
    expect(shared).toMatchObject({ id: dash.id, read_only: true, widgets: [expect.objectContaining({ title: 'Deals won' })] });

    const type = await documentedCall('POST /object-types', [], { name: 'leads' });
    const policy = await documentedCall('POST /object-types/{object_type_id}/policies', [type.id], {
      name: 'p',
      action: 'read',
      enabled: true,
    });
    await documentedCall('PATCH /object-types/{object_type_id}/policies/{policy_id}', [type.id, policy.id], { enabled: false });
    const view = await documentedCall('POST /object-types/{object_type_id}/views', [type.id], { name: 'v', filters: [], columns: ['a'] });
    await documentedCall('PATCH /object-types/{object_type_id}/views/{view_id}', [type.id, view.id], { name: 'v2' });
    const flow = await documentedCall('POST /object-types/{object_type_id}/workflows', [type.id], { name: 'w', stages: ['draft', 'done'] });
    await documentedCall('PATCH /object-types/{object_type_id}/workflows/{workflow_id}', [type.id, flow.id], { enabled: true });

    const obj = await documentedCall('POST /objects/{object_type_id}', [type.id], { properties: {} });
    const other = await documentedCall('POST /objects/{object_type_id}', [type.id], { properties: {} });
    const comment = await documentedCall('POST /objects/{object_type_id}/{object_id}/comments', [type.id, obj.id], { body: 'hi' });
    await documentedCall('PATCH /objects/{object_type_id}/{object_id}/comments/{comment_id}', [type.id, obj.id, comment.id], {
      body: 'hello',
    });
    const link = await documentedCall(
      'POST /objects/{from_type}/{from_id}/associations/{association_type}/{to_type}/{to_id}',
      [type.id, obj.id, 'related', type.id, other.id],
      { meta: { weight: 1 } },
    );
    expect(link).toMatchObject({ from_id: obj.id, to_id: other.id, meta: { weight: 1 } });
    await documentedCall('DELETE /objects/{object_type_id}/{object_id}', [type.id, obj.id]);
    expect(await documentedCall('POST /objects/{object_type_id}/{object_id}/restore', [type.id, obj.id])).toMatchObject({
      id: obj.id,
      is_deleted: false,
    });

    const role = await documentedCall('POST /roles', [], { name: 'editors' });
    await documentedCall('POST /roles/{role_id}/permissions', [role.id], { permissions: ['objects:write'] });
    const user = await documentedCall('POST /users', [], { email: 'documented@example.com', password: 'long-enough-pw' });
    expect(await documentedCall('POST /roles/assign', [], { user_id: user.id, role_id: role.id })).toMatchObject({
      user_id: user.id,
      role_id: role.id,
    });
    await documentedCall('DELETE /roles/{role_id}/users/{user_id}', [role.id, user.id]);
  });

  it('files: upload, metadata, restore, presigned slot, stats', async () => {
    const form = new FormData();
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'a.txt');
    const file = await documentedCall('POST /files/upload', [], form);
    await documentedCall('GET /files/{file_id}', [file.id]);
    await documentedCall('PATCH /files/{file_id}', [file.id], { folder: '/docs' });
    await documentedCall('DELETE /files/{file_id}', [file.id]);
    await documentedCall('POST /files/{file_id}/restore', [file.id]);
    const slot = await documentedCall('POST /files/upload-url', [], { filename: 'b.txt', mime_type: 'text/plain' });
    await documentedCall('POST /files/{file_id}/upload-put', [slot.file_id], undefined, {
      body: 'raw',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/octet-stream' },
    });
    await documentedCall('POST /files/{file_id}/upload-complete', [slot.file_id]);
    expect(await documentedCall('GET /files/stats')).toMatchObject({ file_count: 2 });
  });

  it('runs and reports: forms, functions, integrations, saved reports, analytics, usage', async () => {
    const f = await documentedCall('POST /forms', [], { name: 'Contact' });
    expect(await documentedCall('POST /forms/{form_id}/duplicate', [f.id])).toMatchObject({ name: 'Contact (copy)' });
    expect(await documentedCall('GET /forms/{form_id}/analytics', [f.id])).toMatchObject({ form_id: f.id, total_submissions: 0 });

    const fn = await documentedCall('POST /functions', [], {
      name: 'noop',
      runtime: 'declarative',
      code: JSON.stringify({ steps: [], output: 'done' }),
    });
    expect(await documentedCall('POST /functions/{function_id}/execute', [fn.id], { input: {} })).toMatchObject({
      status: 'succeeded',
      output: 'done',
    });
    // The http_json connector against a local server (another provider is 409 NOT_CONFIGURED).
    const remote = await startReceiver();
    remote.answer(200, [{ id: 'r1', name: 'Remote' }]);
    const synced = await documentedCall('POST /object-types', [], { name: 'synced' });
    await documentedCall('POST /object-types/{object_type_id}/properties', [synced.id], { name: 'name', data_type: 'string' });
    const integ = await documentedCall('POST /integrations', [], {
      name: 'crm',
      provider: 'http_json',
      config_json: { url: `${remote.url}/items`, object_type: synced.id },
    });
    expect(await documentedCall('POST /integrations/{integration_id}/sync', [integ.id])).toMatchObject({
      status: 'succeeded',
      records_synced: 1,
    });
    await remote.close();

    const type = await documentedCall('POST /object-types', [], { name: 'accounts' });
    const report = await documentedCall('POST /saved-reports', [], { name: 'All', config_json: { object_type: type.id } });
    expect(await documentedCall('POST /saved-reports/{report_id}/run', [report.id])).toMatchObject({ report_id: report.id, row_count: 0 });

    await documentedCall('GET /analytics');
    await documentedCall('GET /analytics/engine');
    await documentedCall('GET /ai-usage');
    await documentedCall('GET /realtime/stats');
    expect(
      await documentedCall('POST /policies/simulate', [], { policy: { effect: 'allow', action: 'read' }, sample_data: [{}] }),
    ).toMatchObject({ policies_evaluated: 1 });
  });

  it('settings documents, tenant config, webhook secret rotation and guarded deletes', async () => {
    expect(await documentedCall('PATCH /branding', [], { brand_name: 'Acme' })).toMatchObject({ brand_name: 'Acme' });
    expect(await documentedCall('GET /branding')).toMatchObject({ brand_name: 'Acme' });
    await documentedCall('PATCH /governance', [], { password_min_length: 12 });
    expect(await documentedCall('GET /governance')).toMatchObject({ password_min_length: 12 });
    await documentedCall('GET /auth-config');
    const tenantId = (await documentedCall('POST /object-types', [], { name: 'probe' })).tenant_id;
    expect(await documentedCall('GET /tenant-config', [], undefined, {}, `?tenant=${tenantId}`)).toMatchObject({
      tenant_id: tenantId,
      branding: { brand_name: 'Acme' },
    });

    const hook = await documentedCall('POST /webhooks', [], { url: 'https://example.com/hook', events: ['object.created'] });
    expect((await documentedCall('POST /webhooks/{webhook_id}/rotate-secret', [hook.id])).secret).toEqual(expect.any(String));
    expect(await documentedCall('DELETE /webhooks/{id}', [hook.id])).toEqual({ id: hook.id, deleted: true });
  });
});
