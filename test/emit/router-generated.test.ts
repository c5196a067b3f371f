/**
 * Runs what the emitters generate for the basic fixture: zod validators + routers + migrations are
 * written to a temporary project (runtime/ and node_modules/ linked in), migrated on PGlite/Postgres,
 * mounted through createRuntime/createApp and exercised over HTTP.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Router } from 'express';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { emitMigrations, readPreviousMigrations } from '../../generator/emit/migration/emit-migrations.ts';
import { emitRouter } from '../../generator/emit/router/emit-router.ts';
import { emitZod } from '../../generator/emit/zod/emit-zod.ts';
import { createRuntime } from '../../runtime/create-runtime.ts';
import { closeDatabase } from '../../runtime/db/open-database.ts';
import { migrate } from '../../runtime/db/migrator.ts';
import { createApp } from '../../runtime/http/create-app.ts';
import type { Runtime } from '../../runtime/runtime-api.ts';
import { projectRoot } from '../helpers/golden.ts';
import { client, testAuth } from '../runtime/crud-fixture.ts';
import { openEmptyDatabase } from '../helpers/test-service.ts';

let tmp: string;
let db: Knex;
let server: Server;
let base: string;
const schema = `router_gen_${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const { catalogue, diagnostics } = await loadCatalogue(join(projectRoot, 'test/fixtures/basic'));
  if (!catalogue) throw new Error(JSON.stringify(diagnostics));
  const shop = catalogue.services.find((s) => s.name === 'shop')!;
  tmp = await mkdtemp(join(tmpdir(), 'loopgen-router-'));
  const ctx = { root: tmp, version: 'test' };
  const previous = await readPreviousMigrations(tmp, 'shop');
  const files = [
    ...emitZod(shop, ctx),
    ...emitRouter(shop, ctx),
    ...emitMigrations(shop, ctx, previous, { allowDestructive: false }).files,
  ];
  for (const f of files) {
    await mkdir(dirname(join(tmp, f.path)), { recursive: true });
    await writeFile(join(tmp, f.path), f.contents);
  }
  await symlink(join(projectRoot, 'runtime'), join(tmp, 'runtime'), 'dir');
  await symlink(join(projectRoot, 'node_modules'), join(tmp, 'node_modules'), 'dir');

  db = await openEmptyDatabase({ service: 'shop', schema });
  await migrate(db, { service: 'shop', dir: join(tmp, 'generated/shop/migrations'), direction: 'up' });
  await db('companies').insert([
    { code: '001', name: 'One' },
    { code: '002', name: 'Two' },
  ]);

  const mod = (await import(pathToFileURL(join(tmp, 'generated/shop/server/index.ts')).href)) as {
    mountRoutes(rt: Runtime): Router;
    resources: unknown[];
  };
  expect(mod.resources).toHaveLength(5);
  const rt = createRuntime({ service: 'shop', style: 'drf', db, auth: testAuth, handlers: {} });
  const app = createApp({ runtime: rt, routes: mod.mountRoutes(rt), basePath: shop.basePath, onServerError: () => {} });
  server = await new Promise((resolve) => {
    const s = app.listen(0, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (db) {
    if (process.env.DATABASE_URL) await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
    await closeDatabase(db);
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('generated shop server', () => {
  it('serves CRUD, refs, filters and actions through the generated routers', async () => {
    const [c1] = await db('companies').where({ code: '001' }).select('id');
    const [c2] = await db('companies').where({ code: '002' }).select('id');
    const api = client(base, { 'X-User': '3', 'X-Company-ID': String(c1.id), 'X-Role': 'owner' });
    const them = client(base, { 'X-User': '4', 'X-Company-ID': String(c2.id) });

    const svc = await api('POST', '/booking/services/', { name: 'Haircut', price: '25.00', category: 'hair' });
    expect(svc.status, JSON.stringify(svc.body)).toBe(201);
    expect(svc.body).toMatchObject({ name: 'Haircut', price: '25.00', duration_minutes: 60, is_active: true });

    const appt = await api('POST', '/booking/appointments/', { service: svc.body.id, starts_at: '2026-06-10T09:00:00Z', meta: { a: 1 } });
    expect(appt.status, JSON.stringify(appt.body)).toBe(201);
    expect(appt.body).toMatchObject({ service: svc.body.id, status: 'pending', meta: { a: 1 }, staff: null });

    const theirs = await them('POST', '/booking/appointments/', { service: svc.body.id, starts_at: '2026-06-10T09:00:00Z' });
    expect(theirs.status).toBe(400);
    expect(Object.keys(theirs.body)).toEqual(['service']);

    const list = await api('GET', `/booking/appointments/?service=${svc.body.id}&status__in=pending,confirmed`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.count).toBe(1);
    expect((await api('GET', '/booking/appointments/?starts_at__gte=nope')).status).toBe(400);
    expect((await them('GET', `/booking/services/${svc.body.id}/`)).status).toBe(404);

    expect((await api('DELETE', `/booking/services/${svc.body.id}/`)).status).toBe(204);
    expect((await api('POST', `/booking/services/${svc.body.id}/restore/`)).status).toBe(200);

    const action = await api('POST', `/booking/appointments/${appt.body.id}/create-invoice/`, { due_on: '2026-07-01' });
    expect(action.status).toBe(501);
    expect(action.body.code).toBe('handler_not_implemented');
  });
});
