/**
 * Dynamic object types and objects through the generated server: properties define and validate
 * objects; list/search/aggregate/versions/trash; DEPENDENCY_EXISTS with single-use confirm tokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let call: ReturnType<typeof client>;
let typeId: string;

beforeAll(async () => {
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'objects-co'));
  const t = await call('POST', 'object-types', { name: 'contacts' });
  typeId = t.body.data.id;
  for (const p of [
    { name: 'name', data_type: 'string', is_required: true },
    { name: 'email', data_type: 'email', is_unique: true },
    { name: 'score', data_type: 'number' },
    { name: 'stage', data_type: 'enum', enum_values: ['lead', 'customer'], default_value: 'lead' },
  ])
    expect((await call('POST', `object-types/${typeId}/properties`, p)).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

describe('object types', () => {
  it('round trip with display name, properties listed', async () => {
    const t = await call('GET', `object-types/${typeId}`);
    expect(t.body.data).toMatchObject({ id: typeId, name: 'contacts', display_name: 'Contacts' });
    const props = await call('GET', `object-types/${typeId}/properties`);
    expect(props.body.data.map((p: any) => p.name)).toEqual(['name', 'email', 'score', 'stage']);
    expect((await call('POST', 'object-types', { name: 'contacts' })).status).toBe(409);
  });
});

describe('objects', () => {
  it('validates properties against the type', async () => {
    const bad = await call('POST', `objects/${typeId}`, { properties: { email: 'nope', score: 'high', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual([
      'properties.colour',
      'properties.email',
      'properties.name',
      'properties.score',
    ]);
  });

  it('create, get (by type name too), update with versions, unique property', async () => {
    const c = await call('POST', `objects/${typeId}`, { properties: { name: 'Acme', email: 'info@acme.com', score: 10 } });
    expect(c.status).toBe(201);
    expect(c.body.data).toMatchObject({
      object_type_id: typeId,
      version: 1,
      is_deleted: false,
      properties: { name: 'Acme', stage: 'lead' },
    });
    const id = c.body.data.id;
    expect((await call('GET', `objects/contacts/${id}`)).body.data.id).toBe(id);
    const u = await call('PATCH', `objects/${typeId}/${id}`, { properties: { stage: 'customer' } });
    expect(u.body.data).toMatchObject({ version: 2, properties: { name: 'Acme', stage: 'customer' } });
    const versions = await call('GET', `objects/${typeId}/${id}/versions`);
    expect(versions.body.data).toHaveLength(1);
    expect(versions.body.data[0]).toMatchObject({ version: 1, properties: { stage: 'lead' } });
    const dup = await call('POST', `objects/${typeId}`, { properties: { name: 'Other', email: 'info@acme.com' } });
    expect(dup.status).toBe(400);
  });

  it('batch create is all or nothing; list pages, search and aggregate', async () => {
    const bad = await call('POST', `objects/${typeId}/batch/create`, {
      objects: [{ properties: { name: 'Ok' } }, { properties: { score: 1 } }],
    });
    expect(bad.status).toBe(400);
    const ok = await call('POST', `objects/${typeId}/batch/create`, {
      objects: [
        { properties: { name: 'B', score: 5 } },
        { properties: { name: 'C', score: 7, stage: 'customer' } },
        { properties: { name: 'D', score: 1 } },
      ],
    });
    expect(ok.body.data.created).toBe(3);
    const page1 = await call('GET', `objects/${typeId}/list?limit=2&sort=name&order=asc`);
    expect(page1.body.data.total).toBe(4);
    expect(page1.body.data.results.map((o: any) => o.properties.name)).toEqual(['Acme', 'B']);
    const page2 = await call('GET', `objects/${typeId}/list?limit=2&sort=name&order=asc&cursor=${page1.body.data.next_cursor}`);
    expect(page2.body.data.results.map((o: any) => o.properties.name)).toEqual(['C', 'D']);
    expect(page2.body.data.next_cursor).toBeNull();
    const found = await call('POST', `objects/${typeId}/search`, {
      filters: [{ property: 'score', operator: 'gte', value: 5 }],
      sort: 'score',
      order: 'desc',
    });
    expect(found.body.data.results.map((o: any) => o.properties.name)).toEqual(['Acme', 'C', 'B']);
    const agg = await call('POST', `objects/${typeId}/aggregate`, {
      aggregations: [
        { function: 'count', alias: 'n' },
        { function: 'sum', property_id: 'score', alias: 'total' },
      ],
      group_by: ['stage'],
    });
    const byStage = Object.fromEntries(agg.body.data.results.map((r: any) => [r.stage, [r.n, r.total]]));
    expect(byStage).toEqual({ customer: [2, 17], lead: [2, 6] });
  });

  it('delete moves to trash; restore brings it back', async () => {
    const c = await call('POST', `objects/${typeId}`, { properties: { name: 'Temp' } });
    const id = c.body.data.id;
    expect((await call('DELETE', `objects/${typeId}/${id}`)).body.data).toEqual({ id, deleted: true });
    expect((await call('GET', `objects/${typeId}/${id}`)).status).toBe(404);
    const trash = await call('GET', `objects/${typeId}/trash`);
    expect(trash.body.data.results.map((o: any) => o.id)).toContain(id);
    expect((await call('POST', `objects/${typeId}/${id}/restore`)).body.data.is_deleted).toBe(false);
  });
});

describe('DEPENDENCY_EXISTS', () => {
  it('refuses with counts and a confirm token; the token cascades once', async () => {
    const t = await call('POST', 'object-types', { name: 'tickets' });
    const id = t.body.data.id;
    await call('POST', `objects/${id}/batch/create`, { objects: [{ properties: {} }, { properties: {} }] });
    const refused = await call('DELETE', `object-types/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      success: false,
      error: {
        code: 'DEPENDENCY_EXISTS',
        message: 'Cannot delete: dependent records exist',
        dependencies: [{ type: 'objects', count: 2, label: 'Objects' }],
      },
      request_id: expect.any(String),
    });
    const token = refused.body.error.confirm_token;
    expect(token).toMatch(/^ct_/);
    // Stored hashed: the token itself is nowhere in the database.
    const stored = await svc.db('pf_confirm_tokens').select('token_hash');
    expect(stored.some((r) => r.token_hash === token)).toBe(false);
    expect(stored.length).toBeGreaterThan(0);
    // A token for another record does not work.
    const t2 = await call('POST', 'object-types', { name: 'other_tickets' });
    await call('POST', `objects/${t2.body.data.id}`, { properties: {} });
    expect((await call('DELETE', `object-types/${t2.body.data.id}?force=true&confirm_token=${token}`)).body.error.code).toBe(
      'INVALID_CONFIRM_TOKEN',
    );
    // force without a token: still 409 with a fresh token.
    expect((await call('DELETE', `object-types/${id}?force=true`)).status).toBe(409);
    const ok = await call('DELETE', `object-types/${id}?force=true&confirm_token=${token}`);
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ id, deleted: true });
    expect((await call('GET', `object-types/${id}`)).status).toBe(404);
    expect(Number((await svc.db('pf_objects').where({ object_type_id: id }).count({ n: '*' }).first())?.n)).toBe(0);
  });

  it('an expired token is 400; a used token is marked used', async () => {
    const t = await call('POST', 'object-types', { name: 'orders' });
    const id = t.body.data.id;
    await call('POST', `objects/${id}`, { properties: {} });
    const first = (await call('DELETE', `object-types/${id}`)).body.error.confirm_token;
    const second = (await call('DELETE', `object-types/${id}`)).body.error.confirm_token;
    // Expire the second token (the clock is the database's; no waiting in tests).
    await svc.db.raw(
      "update pf_confirm_tokens set expires_at = now() - interval '1 minute' where id = (select id from pf_confirm_tokens order by created_at desc, id desc limit 1)",
    );
    expect((await call('DELETE', `object-types/${id}?force=true&confirm_token=${second}`)).body.error.code).toBe('CONFIRM_TOKEN_EXPIRED');
    expect((await call('DELETE', `object-types/${id}?force=true&confirm_token=${first}`)).status).toBe(200);
    // The same flow on a user (role assignments depend on it); the used token is marked, not deleted.
    const user = await call('POST', 'users', { email: 'dep@example.com', password: 'long-enough-pw' });
    await call('POST', 'roles', { name: 'r1' }).then(async (r) =>
      call('POST', 'roles/assign', { user_id: user.body.data.id, role_id: r.body.data.id }),
    );
    const refused = await call('DELETE', `users/${user.body.data.id}`);
    expect(refused.body.error.dependencies).toEqual([{ type: 'user_roles', count: 1, label: 'Role assignments' }]);
    const tok = refused.body.error.confirm_token;
    // Kept aside to put the user back after the delete, so the replay below reaches the token check
    // (with the user gone it would stop at 404 before the token is looked at).
    const userRow = await svc.db('pf_users').where({ id: user.body.data.id }).first();
    const assignments = await svc.db('pf_records').where({ kind: 'user_roles', parent_id: user.body.data.id });
    expect(assignments).toHaveLength(1);
    expect((await call('DELETE', `users/${user.body.data.id}?force=true&confirm_token=${tok}`)).status).toBe(200);
    const used = await svc.db('pf_confirm_tokens').where({ record_id: user.body.data.id }).first('used_at');
    expect(used.used_at).not.toBeNull();
    expect((await call('GET', `users/${user.body.data.id}`)).status).toBe(404);
    await svc.db('pf_users').insert(userRow);
    await svc.db('pf_records').insert(assignments);
    const replay = await call('DELETE', `users/${user.body.data.id}?force=true&confirm_token=${tok}`);
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('CONFIRM_TOKEN_USED');
    expect((await call('GET', `users/${user.body.data.id}`)).status).toBe(200);
  });

  it('a used token replayed while the record still exists is refused and deletes nothing', async () => {
    const t = await call('POST', 'object-types', { name: 'invoices_replay' });
    const id = t.body.data.id;
    await call('POST', `objects/${id}/batch/create`, { objects: [{ properties: {} }, { properties: {} }] });
    const token = (await call('DELETE', `object-types/${id}`)).body.error.confirm_token;
    // The record comes back with the same id (restored from a backup, re-imported): the token stays spent.
    const typeRow = await svc.db('pf_object_types').where({ id }).first();
    const objectRows = await svc.db('pf_objects').where({ object_type_id: id });
    expect((await call('DELETE', `object-types/${id}?force=true&confirm_token=${token}`)).status).toBe(200);
    await svc.db('pf_object_types').insert(typeRow);
    await svc.db('pf_objects').insert(objectRows);

    const replay = await call('DELETE', `object-types/${id}?force=true&confirm_token=${token}`);
    expect(replay.status).toBe(409);
    expect(replay.body).toMatchObject({ success: false, error: { code: 'CONFIRM_TOKEN_USED' } });
    expect((await call('GET', `object-types/${id}`)).status).toBe(200);
    expect((await call('GET', `objects/${id}/list`)).body.data.total).toBe(2);
    // A fresh refusal hands out a fresh token, and that one works once.
    const fresh = (await call('DELETE', `object-types/${id}`)).body.error.confirm_token;
    expect(fresh).not.toBe(token);
    expect((await call('DELETE', `object-types/${id}?force=true&confirm_token=${fresh}`)).status).toBe(200);
  });
});
