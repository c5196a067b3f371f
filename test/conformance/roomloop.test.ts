/**
 * Conformance of RoomLoop's generic CRUD, generated from the IR like the LOOP shards: every
 * RoomLoop resource with list/retrieve/partial_update operations (facilities, accounts). RoomLoop
 * resources are provisioned (seeded) rather than created through CRUD, so list tests run over the
 * seeded rows: every row returned must satisfy the filter, every page must be in order.
 * Wire style: no trailing slash, `{data, next_cursor}` pages, `{error: {code, message}}` errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldNode, ResourceNode } from '../../generator/ir/index.ts';
import { createRoomloopKey } from '../../runtime/roomloop/auth/api-keys.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { validValue, wrongType } from '../helpers/payloads.ts';
import { loadService } from './lib/catalogue.ts';
import { compareAsDb, queryValue, sameValue } from './lib/checks.ts';

const service = await loadService('roomloop');
const resources = service.resources.filter((r) => r.operations.length > 0);

let svc: TestService;
let adminKey: string;
let teacherKey: string;

beforeAll(async () => {
  svc = await startTestService('roomloop');
  adminKey = (await createRoomloopKey(svc.db, { role: 'admin' })).key;
  teacherKey = (await createRoomloopKey(svc.db, { role: 'teacher' })).key;
  // Resources without seeded rows (accounts) get three, straight into the table, so filters and
  // ordering have rows with different values to work on.
  let n = 0;
  for (const r of resources.filter((x) => x.seed.length === 0)) {
    for (let variant = 0; variant < 3; variant++) {
      const row: Record<string, unknown> = { id: `${r.idPrefix ?? 'x'}_conf${variant}` };
      for (const f of r.fields.filter((x) => !x.system && x.type !== 'ref' && x.type !== 'file')) {
        const v = validValue(f, (n += 37), variant);
        row[f.column] = f.type === 'json' ? JSON.stringify(v) : v;
      }
      await svc.db(r.table).insert(row);
    }
  }
}, 240_000);
afterAll(async () => {
  await svc?.close();
});

async function call(method: string, path: string, key: string, body?: unknown) {
  const res = await fetch(svc.api + path, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const out = { status: res.status, body: text ? JSON.parse(text) : null };
  return { ...out, why: `${method} ${path} ${body ? JSON.stringify(body) : ''} → ${res.status} ${text.slice(0, 400)}` };
}

async function rows(r: ResourceNode, query = ''): Promise<Record<string, unknown>[]> {
  const reply = await call('GET', `${r.path}?limit=100${query}`, adminKey);
  expect(reply.status, reply.why).toBe(200);
  expect(Array.isArray(reply.body.data), reply.why).toBe(true);
  return reply.body.data;
}

const has = (r: ResourceNode, op: string) => (r.operations as readonly string[]).includes(op);

for (const r of resources) {
  describe(`roomloop ${r.path}`, () => {
    it('list → {data, next_cursor} page; errors are {error: {code, message}}', async () => {
      const reply = await call('GET', `${r.path}?limit=1`, adminKey);
      expect(reply.status, reply.why).toBe(200);
      expect(reply.body.data.length, reply.why).toBeLessThanOrEqual(1);
      const bad = await call('GET', `${r.path}?limit=0`, adminKey);
      expect(bad.status, bad.why).toBe(400);
      expect(bad.body?.error, bad.why).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    });

    for (const f of r.fields.filter((x) => !x.system && x.filter.length && x.type !== 'json')) {
      it(`list ?${f.name}= → only matching rows`, async (ctx) => {
        const all = await rows(r);
        const value = all.find((x) => x[f.name] != null)?.[f.name];
        if (value === undefined) ctx.skip(`no seeded row has a ${f.name}`);
        const got = await rows(r, `&${f.name}=${encodeURIComponent(queryValue(value))}`);
        expect(got.length).toBeGreaterThan(0);
        for (const row of got) expect(sameValue(f, value, row[f.name]), `${row.id}.${f.name}=${JSON.stringify(row[f.name])}`).toBe(true);
        expect(got.length).toBe(all.filter((x) => sameValue(f, value, x[f.name])).length);
      });
    }

    for (const f of r.fields.filter((x) => x.orderable && !x.system)) {
      it(`list ?ordering=${f.name} and -${f.name} → ordered`, async () => {
        for (const desc of [false, true]) {
          const got = await rows(r, `&ordering=${desc ? '-' : ''}${f.name}`);
          for (let i = 1; i < got.length; i++) {
            const c = await compareAsDb(svc.db, f, got[i - 1]![f.name], got[i]![f.name]);
            expect(desc ? c >= 0 : c <= 0, `${got[i - 1]!.id} then ${got[i]!.id} by ${desc ? '-' : ''}${f.name}`).toBe(true);
          }
        }
      });
    }

    if (has(r, 'retrieve')) {
      it('retrieve → 200 with the listed row; unknown id → 404 {error}', async () => {
        const [first] = await rows(r);
        expect(first, `${r.path} has seeded rows`).toBeDefined();
        const one = await call('GET', `${r.path}/${String(first!.id)}`, adminKey);
        expect(one.status, one.why).toBe(200);
        expect(one.body, one.why).toEqual(first);
        const missing = await call('GET', `${r.path}/${r.idPrefix ?? 'x'}_doesnotexist`, adminKey);
        expect(missing.status, missing.why).toBe(404);
        expect(missing.body?.error?.code, missing.why).toEqual(expect.any(String));
      });
    }

    if (has(r, 'partial_update')) {
      const f = r.fields.find((x): x is FieldNode => !x.system && !x.readOnly && ['integer', 'string'].includes(x.type));
      it(`partial update (PATCH ${f?.name}) → 200 echoed; wrong type → 400 naming it; teacher → 403`, async () => {
        const [first] = await rows(r);
        const path = `${r.path}/${String(first!.id)}`;
        const value = validValue(f!, 7);
        const ok = await call('PATCH', path, adminKey, { [f!.name]: value });
        expect(ok.status, ok.why).toBe(200);
        expect(ok.body[f!.name], ok.why).toEqual(value);
        const bad = await call('PATCH', path, adminKey, { [f!.name]: wrongType(f!) });
        expect(bad.status, bad.why).toBe(400);
        expect(JSON.stringify(bad.body?.error ?? {}), bad.why).toContain(f!.name);
        const denied = await call('PATCH', path, teacherKey, { [f!.name]: value });
        expect(denied.status, denied.why).toBe(403);
        await call('PATCH', path, adminKey, { [f!.name]: first![f!.name] });
      });
    }
  });
}
