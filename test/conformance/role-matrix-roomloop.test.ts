/**
 * RoomLoop role matrix: every operation of the catalogue that needs a signed-in caller (each resource
 * CRUD operation and each non-public action of spec/roomloop/) × {teacher, admin}, through the
 * generated server. The operations and their permission codes come from the IR; what a teacher may do
 * comes from the RoomLoop API document (its two roles; "Admin only" on facility edits and permanent
 * deletes) and is written down below, never read from runtime/roomloop/auth/permissions.ts. A permitted
 * call answers the operation's success status; a refused one 403 forbidden in RoomLoop's error body,
 * and no RoomLoop table changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrudOperation } from '../../generator/ir/index.ts';
import { createRoomloopKey } from '../../runtime/roomloop/auth/api-keys.ts';
import { startRoomloopHttp, type RoomloopHttp } from '../roomloop/helpers/http-service.ts';
import { loadService } from './lib/catalogue.ts';
import { OPERATION_VERB } from './lib/role-catalogue.ts';

const service = await loadService('roomloop');

const CRUD_METHOD: Readonly<Record<CrudOperation, string>> = {
  list: 'GET',
  retrieve: 'GET',
  create: 'POST',
  update: 'PUT',
  partial_update: 'PATCH',
  delete: 'DELETE',
  restore: 'POST',
};
const CRUD_STATUS: Readonly<Record<CrudOperation, number>> = {
  list: 200,
  retrieve: 200,
  create: 201,
  update: 200,
  partial_update: 200,
  delete: 204,
  restore: 200,
};
const ON_ITEM: readonly CrudOperation[] = ['retrieve', 'update', 'partial_update', 'delete'];

interface Operation {
  /** `METHOD path` in the catalogue's OpenAPI form, e.g. `PATCH reservations/{id}`. */
  readonly key: string;
  readonly method: string;
  readonly permission: string;
  readonly status: number;
}

/** Every operation a signed-in caller can reach, from the IR (public actions such as Google sign-in have no role). */
const operations: Operation[] = [
  ...service.resources.flatMap((r) =>
    r.operations.map((op) => ({
      key: `${CRUD_METHOD[op]} ${r.path}${ON_ITEM.includes(op) ? '/{id}' : op === 'restore' ? '/{id}/restore' : ''}`,
      method: CRUD_METHOD[op],
      permission: r.permissions[OPERATION_VERB[op]],
      status: CRUD_STATUS[op],
    })),
  ),
  ...service.actions
    .filter((a) => !a.public)
    .map((a) => ({ key: `${a.method} ${a.path}`, method: a.method, permission: a.permission ?? '', status: a.status })),
].sort((a, b) => a.key.localeCompare(b.key));

/**
 * What a teacher may do, by permission code (the RoomLoop API document: teachers browse facilities and
 * book; facility edits and permanent deletes are "Admin only"; accounts, reports and webhooks are school
 * administration). Admins may do everything. A new operation needs a line here before the matrix passes.
 */
const TEACHER_MAY: Readonly<Record<string, boolean>> = {
  'facilities.facilities.view': true,
  'facilities.facilities.change': false,
  'roomloop.facilities.availability': true,
  'roomloop.reservations.list': true,
  'roomloop.reservations.create': true,
  'roomloop.reservations.update': true,
  'roomloop.reservations.delete': false,
  'accounts.accounts.view': false,
  'roomloop.accounts.create': false,
  'roomloop.accounts.bulk': false,
  'roomloop.accounts.export': false,
  'roomloop.reports.usage': false,
  'roomloop.reports.export': false,
  'roomloop.webhooks.create': false,
  'roomloop.auth.logout': true,
};

type Role = 'teacher' | 'admin';
let http: RoomloopHttp;
const keys = {} as Record<Role, string>;
let seq = 0;
/** A fresh date inside f1's booking window for each reservation, so no quota or slot collides. */
const nextDate = () => new Date(Date.UTC(2026, 5, 15) + (seq++ % 60) * 86_400_000).toISOString().slice(0, 10);

interface Probe {
  readonly path: string;
  readonly body?: unknown;
  /** Sent as the multipart `file` part instead of a JSON body. */
  readonly csv?: string;
}

/** A reservation of `role`'s own, so a refusal can only come from the role, never from ownership. */
async function ownReservation(role: Role): Promise<string> {
  const r = await http.api('POST', 'reservations', keys[role], {
    facility_id: 'f1',
    date: nextDate(),
    start_slot: 1,
    end_slot: 1,
    purpose: `matrix ${role}`,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}

/** A request each operation can succeed with, for either role. */
const PROBES: Readonly<Record<string, (role: Role) => Promise<Probe>>> = {
  'GET facilities': async () => ({ path: 'facilities' }),
  'GET facilities/{id}': async () => ({ path: 'facilities/f1' }),
  'PATCH facilities/{id}': async () => ({ path: 'facilities/f3', body: { capacity: 250 + seq++ } }),
  'GET facilities/{id}/availability': async () => ({ path: 'facilities/f1/availability?date=2026-06-10' }),
  'GET reservations': async () => ({ path: 'reservations' }),
  'POST reservations': async (role) => ({
    path: 'reservations',
    body: { facility_id: 'f1', date: nextDate(), start_slot: 2, end_slot: 2, purpose: `matrix ${role}` },
  }),
  'PATCH reservations/{id}': async (role) => ({
    path: `reservations/${await ownReservation(role)}`,
    body: { purpose: 'changed by the matrix' },
  }),
  'DELETE reservations/{id}': async (role) => ({ path: `reservations/${await ownReservation(role)}` }),
  'GET accounts': async () => ({ path: 'accounts' }),
  'POST accounts': async (role) => ({ path: 'accounts', body: { email: `rm-${role}-${seq++}@school.test`, name: 'Matrix Account' } }),
  'POST accounts/bulk': async (role) => ({ path: 'accounts/bulk', csv: `email,name\nrm-bulk-${role}-${seq++}@school.test,Bulk Matrix\n` }),
  'GET accounts/export': async () => ({ path: 'accounts/export' }),
  'GET reports/usage': async () => ({ path: 'reports/usage?from=2026-06-01&to=2026-06-30' }),
  'GET reports/export.csv': async () => ({ path: 'reports/export.csv?from=2026-06-01&to=2026-06-30' }),
  'GET reports/export.xlsx': async () => ({ path: 'reports/export.xlsx?from=2026-06-01&to=2026-06-30' }),
  'POST webhooks': async () => ({ path: 'webhooks', body: { url: 'https://example.test/role-matrix' } }),
  'POST auth/logout': async () => ({ path: 'auth/logout' }),
};

async function send(method: string, role: Role, p: Probe): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${keys[role]}` };
  const init: RequestInit = { method, headers };
  if (p.csv !== undefined) {
    const form = new FormData();
    form.append('file', new Blob([p.csv], { type: 'text/csv' }), 'accounts.csv');
    init.body = form;
  } else if (p.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(p.body);
  }
  const res = await fetch(`${http.svc.url}/v1/${p.path}`, init);
  const text = await res.text();
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : text };
}

/** Every RoomLoop table's rows as one digest, to show a refused call changed nothing. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const r of service.resources) {
    const row = await http.svc.db.raw(
      `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as h from ?? t`,
      [r.table],
    );
    out[r.table] = `${row.rows[0].n}:${row.rows[0].h}`;
  }
  return out;
}

beforeAll(async () => {
  http = await startRoomloopHttp();
  keys.admin = http.adminKey;
  const [account] = await http.svc
    .db('rl_accounts')
    .insert({ id: 'usr_matrix1', email: 'matrix-teacher@school.test', name: 'Matrix Teacher', department: 'Science', role: 'teacher' })
    .returning('id');
  keys.teacher = (await createRoomloopKey(http.svc.db, { role: 'teacher', accountId: account.id })).key;
}, 240_000);
afterAll(async () => {
  await http?.close();
});

describe('RoomLoop role matrix: teacher and admin × every operation', () => {
  it('every operation has a teacher entry and a probe', () => {
    expect(operations.filter((o) => !(o.permission in TEACHER_MAY)).map((o) => `${o.key} (${o.permission})`)).toEqual([]);
    expect(operations.filter((o) => !(o.key in PROBES)).map((o) => o.key)).toEqual([]);
    expect(operations.filter((o) => o.method !== 'GET').length).toBeGreaterThanOrEqual(8);
  });

  for (const op of operations) {
    for (const role of ['teacher', 'admin'] as const) {
      const allowed = role === 'admin' || TEACHER_MAY[op.permission] === true;
      it(`${role} ${op.key} → ${allowed ? op.status : 403}`, async () => {
        const probe = await PROBES[op.key]!(role);
        const before = allowed ? null : await snapshot();
        const r = await send(op.method, role, probe);
        const why = `${op.method} ${probe.path} as ${role} → ${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`;
        if (allowed) {
          expect(r.status, why).toBe(op.status);
          return;
        }
        expect(r.status, why).toBe(403);
        expect(r.body, why).toEqual({ error: { code: 'forbidden', message: 'You do not have permission to perform this action.' } });
        expect(await snapshot(), `${why}: a refused call changed a RoomLoop table`).toEqual(before);
      });
    }
  }

  it("a teacher may not change another teacher's reservation (the handler's ownership check)", async () => {
    const theirs = await ownReservation('admin');
    const before = await snapshot();
    const r = await http.api('PATCH', `reservations/${theirs}`, keys.teacher, { purpose: 'not mine' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
    expect(await snapshot()).toEqual(before);
  });
});
