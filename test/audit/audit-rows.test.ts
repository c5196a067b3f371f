/**
 * Audit rows written by CRUD writes through the generated LOOP server (generated/loop/server, started by
 * runtime/serve/start-service.ts) and read back from `audit_logs`: one row per create, update, partial
 * update, delete and restore, naming the action, resource, record, actor, company, field changes and the
 * request id — and none when a write fails validation, misses its record, fails a reference check or is
 * refused by a role without the permission (runtime/crud/write-ops.ts writes the row in the write's
 * transaction).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookingAppointmentResource, bookingServiceResource } from '../../generated/loop/server/booking.ts';
import { createUser } from '../../runtime/loop/auth/create-user.ts';
import { T } from '../../runtime/loop/auth/loop-schema.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';

const PASSWORD = 'Str0ng-passw0rd!';
const SERVICES = 'booking/services/';

interface Caller {
  readonly token: string;
  readonly userId: number;
}

let svc: TestService;
let owner: Caller;
let companyId: number;
let seq = 0;

async function signIn(email: string): Promise<Caller> {
  const res = await fetch(`${svc.api}auth/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access: string; user: { id: number | string } };
  return { token: body.access, userId: Number(body.user.id) };
}

/** One request under a fresh X-Request-ID, so the audit rows it wrote can be found by that id alone. */
async function call(who: Caller, method: string, path: string, body?: unknown) {
  const requestId = `audit-test-${process.pid}-${++seq}`;
  const res = await fetch(svc.api + path, {
    method,
    headers: {
      Authorization: `Bearer ${who.token}`,
      'X-Company-ID': '001',
      'X-Request-ID': requestId,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.headers.get('x-request-id')).toBe(requestId);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of every shape
  return { status: res.status, body: (text ? JSON.parse(text) : null) as any, requestId };
}

interface AuditRow {
  action: string;
  resource: string;
  record_id: string | null;
  actor_id: number | null;
  company_id: number | null;
  request_id: string | null;
  changes: Record<string, { from: unknown; to: unknown }> | null;
}

async function auditRowsOf(requestId: string): Promise<AuditRow[]> {
  const rows = await svc.db(T.auditLogs).where({ request_id: requestId }).orderBy('id');
  return rows.map((r) => ({
    action: r.action,
    resource: r.resource,
    record_id: r.record_id,
    actor_id: r.actor_id === null ? null : Number(r.actor_id),
    company_id: r.company_id === null ? null : Number(r.company_id),
    request_id: r.request_id,
    changes: typeof r.changes === 'string' ? JSON.parse(r.changes) : r.changes,
  }));
}

/** The single audit row a request wrote, with the fields every CRUD row carries checked here. */
async function onlyRow(req: { requestId: string }, action: string, recordId: number, actor: Caller = owner): Promise<AuditRow> {
  const rows = await auditRowsOf(req.requestId);
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    action,
    resource: bookingServiceResource.id,
    record_id: String(recordId),
    actor_id: actor.userId,
    company_id: companyId,
    request_id: req.requestId,
  });
  return rows[0]!;
}

/** The changed fields apart from the `updated_at` touch every write makes. */
const changedFields = (row: AuditRow) =>
  Object.keys(row.changes ?? {})
    .filter((k) => k !== 'updated_at')
    .sort();

/** A user with a company role holding just `permissions`, made as an invitation would and signed in. */
async function memberWith(name: string, permissions: string[]): Promise<Caller> {
  const role = await call(owner, 'POST', 'roles/', { name, description: `Audit test ${name}`, permissions });
  expect(role.status).toBe(201);
  const email = `${name}@audit.test`;
  const user = await svc.db.transaction((trx) => createUser(trx, { email, username: name, password: PASSWORD }));
  const ms = await call(owner, 'POST', 'memberships/', { user: Number(user.id), role: role.body.id, status: 'active', is_owner: false });
  expect(ms.status).toBe(201);
  return signIn(email);
}

beforeAll(async () => {
  svc = await startTestService('loop');
  const res = await fetch(`${svc.api}auth/register/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'audit-owner@audit.test', username: 'auditowner', password: PASSWORD, company_name: 'Audit Co' }),
  });
  expect(res.status).toBe(201);
  owner = await signIn('audit-owner@audit.test');
  companyId = Number((await svc.db(T.companies).where({ code: '001' }).first('id')).id);
}, 240_000);
afterAll(async () => {
  await svc?.close();
});

describe('audit rows of CRUD writes through the generated server', () => {
  let id: number;

  it('create: one row with every written field as a change from null', async () => {
    const r = await call(owner, 'POST', SERVICES, { name: 'Audit cut', price: '25.00', duration_minutes: 30 });
    expect(r.status).toBe(201);
    id = r.body.id;
    const row = await onlyRow(r, 'create', id);
    expect(row.changes).toMatchObject({
      id: { from: null, to: id },
      name: { from: null, to: 'Audit cut' },
      price: { from: null, to: '25.00' },
      duration_minutes: { from: null, to: 30 },
    });
    // Nothing is recorded as changing to a value the row does not hold.
    for (const [field, change] of Object.entries(row.changes ?? {})) expect(change.to, field).toEqual(r.body[field] ?? null);
  });

  it('update (PUT): one update row with before and after of exactly the fields that changed', async () => {
    const r = await call(owner, 'PUT', `${SERVICES}${id}/`, { name: 'Audit cut & wash', price: '30.00', duration_minutes: 30 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const row = await onlyRow(r, 'update', id);
    expect(changedFields(row)).toEqual(['name', 'price']);
    expect(row.changes).toMatchObject({ name: { from: 'Audit cut', to: 'Audit cut & wash' }, price: { from: '25.00', to: '30.00' } });
  });

  it('partial update (PATCH): recorded as an update of the one field sent', async () => {
    const r = await call(owner, 'PATCH', `${SERVICES}${id}/`, { duration_minutes: 45 });
    expect(r.status).toBe(200);
    const row = await onlyRow(r, 'update', id);
    expect(changedFields(row)).toEqual(['duration_minutes']);
    expect(row.changes!.duration_minutes).toEqual({ from: 30, to: 45 });
  });

  it('delete: one row whose changes take every field to null', async () => {
    const live = (await call(owner, 'GET', `${SERVICES}${id}/`)).body;
    const r = await call(owner, 'DELETE', `${SERVICES}${id}/`);
    expect(r.status).toBe(204);
    const row = await onlyRow(r, 'delete', id);
    expect(row.changes).toMatchObject({
      id: { from: id, to: null },
      name: { from: 'Audit cut & wash', to: null },
      duration_minutes: { from: 45, to: null },
    });
    for (const [field, value] of Object.entries(live)) {
      if (value !== null) expect(row.changes![field], field).toEqual({ from: value, to: null });
    }
  });

  it('restore: one restore row, and the record reads as before', async () => {
    const r = await call(owner, 'POST', `${SERVICES}${id}/restore/`);
    expect(r.status).toBe(200);
    const row = await onlyRow(r, 'restore', id);
    // Only the soft-delete mark goes away.
    expect(changedFields(row)).toEqual(['deleted_at']);
    expect(row.changes!.deleted_at).toEqual({ from: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), to: null });
    expect(r.body).toMatchObject({ id, name: 'Audit cut & wash', duration_minutes: 45 });
  });

  it('a write that fails validation writes no row and changes nothing', async () => {
    const created = await call(owner, 'POST', SERVICES, { name: '', price: 'twelve', duration_minutes: 2 });
    expect(created.status).toBe(400);
    const patched = await call(owner, 'PATCH', `${SERVICES}${id}/`, { duration_minutes: 2 });
    expect(patched.status).toBe(400);
    const put = await call(owner, 'PUT', `${SERVICES}${id}/`, { price: '1.00' });
    expect(put.status).toBe(400);
    for (const r of [created, patched, put]) expect(await auditRowsOf(r.requestId), r.requestId).toEqual([]);
    expect((await call(owner, 'GET', `${SERVICES}${id}/`)).body).toMatchObject({ duration_minutes: 45, name: 'Audit cut & wash' });
  });

  it('a write to a missing record or with a foreign reference writes no row', async () => {
    const missing = await call(owner, 'PATCH', `${SERVICES}999999/`, { duration_minutes: 50 });
    expect(missing.status).toBe(404);
    const gone = await call(owner, 'DELETE', `${SERVICES}999999/`);
    expect(gone.status).toBe(404);
    // The reference check runs inside the write's transaction, before the insert.
    const badRef = await call(owner, 'POST', 'booking/appointments/', {
      service: 999999,
      customer: 999999,
      starts_at: '2026-06-01T10:00:00Z',
      ends_at: '2026-06-01T11:00:00Z',
    });
    expect(badRef.status).toBe(400);
    for (const r of [missing, gone, badRef]) expect(await auditRowsOf(r.requestId), r.requestId).toEqual([]);
    expect(await svc.db(T.auditLogs).where({ resource: bookingAppointmentResource.id })).toEqual([]);
  });

  it('a write refused to a role without the permission writes no row and changes nothing', async () => {
    const { permissions } = bookingServiceResource;
    const viewer = await memberWith('audit-viewer', [permissions.view]);
    const editor = await memberWith('audit-editor', [permissions.view, permissions.add, permissions.change]);
    const refused = [
      await call(viewer, 'POST', SERVICES, { name: 'Viewer made', price: '1.00' }),
      await call(viewer, 'PUT', `${SERVICES}${id}/`, { name: 'Viewer put', price: '1.00' }),
      await call(viewer, 'PATCH', `${SERVICES}${id}/`, { duration_minutes: 90 }),
      await call(viewer, 'DELETE', `${SERVICES}${id}/`),
      await call(editor, 'DELETE', `${SERVICES}${id}/`),
      await call(editor, 'POST', `${SERVICES}${id}/restore/`),
    ];
    for (const r of refused) {
      expect(r.status, r.requestId).toBe(403);
      expect(await auditRowsOf(r.requestId), r.requestId).toEqual([]);
    }
    expect((await call(owner, 'GET', `${SERVICES}${id}/`)).body).toMatchObject({ duration_minutes: 45, name: 'Audit cut & wash' });
    expect(await svc.db(bookingServiceResource.table).where({ name: 'Viewer made' })).toEqual([]);

    // The permitted write of the same member is audited under that member, not the owner.
    const allowed = await call(editor, 'PATCH', `${SERVICES}${id}/`, { duration_minutes: 60 });
    expect(allowed.status).toBe(200);
    expect((await onlyRow(allowed, 'update', id, editor)).changes!.duration_minutes).toEqual({ from: 45, to: 60 });
  });
});
