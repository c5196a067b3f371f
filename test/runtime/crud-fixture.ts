/**
 * A small hand-made service for the CRUD tests: descriptors as the router emitter would write them,
 * matching tables, a header-driven test AuthProvider, and an app listening on a random port.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Router } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import type { AuthProvider } from '../../runtime/auth-provider.ts';
import type { ActionDescriptor, ResourceDescriptor, ServiceStyle } from '../../runtime/descriptor.ts';
import type { AuditEntry } from '../../runtime/crud/crud-deps.ts';
import { createRuntime } from '../../runtime/create-runtime.ts';
import { createApp } from '../../runtime/http/create-app.ts';
import { forbidden, unauthorized } from '../../runtime/http/api-error.ts';
import type { HandlerRegistry, Runtime } from '../../runtime/runtime-api.ts';
import { closeDatabase } from '../../runtime/db/open-database.ts';
import { openEmptyDatabase } from '../helpers/test-service.ts';

const col = (name: string, column: string, type: string, extra: Record<string, unknown> = {}) => ({
  name,
  column,
  type,
  system: false,
  readOnly: false,
  writeOnly: false,
  ...extra,
});
const sys = (name: string, column: string, type: string, readOnly = true) => ({
  name,
  column,
  type,
  system: true,
  readOnly,
  writeOnly: false,
});

const opt = z.string().optional();
const decimal = z.union([z.string(), z.number()]).refine((v) => /^-?\d{1,10}(\.\d{1,2})?$/.test(String(v)), 'Enter a number.');

const serviceCreate = z.strictObject({
  name: z.string().min(1).max(200),
  price: decimal,
  duration_minutes: z.number().int().min(5).max(1440).optional(),
  is_active: z.boolean().optional(),
  category: z.enum(['hair', 'nails', 'spa']).nullable().optional(),
  workspace: z.number().int().nullable().optional(),
});

export const serviceResource: ResourceDescriptor = {
  id: 'test.booking.services',
  service: 'test',
  module: 'booking',
  name: 'services',
  model: 'Service',
  table: 'svc',
  scope: 'company',
  idStyle: 'serial',
  product: 'booking',
  softDelete: true,
  columns: [
    sys('id', 'id', 'integer'),
    sys('company', 'company_id', 'ref'),
    { ...sys('workspace', 'workspace_id', 'integer', false), refTable: 'workspaces' },
    sys('created_at', 'created_at', 'datetime'),
    sys('updated_at', 'updated_at', 'datetime'),
    sys('created_by', 'created_by', 'integer'),
    sys('deleted_at', 'deleted_at', 'datetime'),
    col('name', 'name', 'string'),
    col('price', 'price', 'decimal'),
    col('duration_minutes', 'duration_minutes', 'integer', { default: 60 }),
    col('is_active', 'is_active', 'boolean', { default: true }),
    col('category', 'category', 'enum'),
  ],
  selectColumns: [
    'id',
    'company_id',
    'workspace_id',
    'created_at',
    'updated_at',
    'created_by',
    'deleted_at',
    'name',
    'price',
    'duration_minutes',
    'is_active',
    'category',
  ],
  filters: {
    category: { column: 'category', op: 'exact', type: 'enum' },
    category__in: { column: 'category', op: 'in', type: 'enum' },
    category__isnull: { column: 'category', op: 'isnull', type: 'enum' },
    duration_minutes__gte: { column: 'duration_minutes', op: 'gte', type: 'integer' },
    duration_minutes__lt: { column: 'duration_minutes', op: 'lt', type: 'integer' },
    is_active: { column: 'is_active', op: 'exact', type: 'boolean' },
    name__icontains: { column: 'name', op: 'icontains', type: 'string' },
  },
  searchColumns: ['name'],
  orderable: { id: 'id', name: 'name', duration_minutes: 'duration_minutes', created_at: 'created_at' },
  defaultOrdering: ['name', '-created_at'],
  permissions: {
    view: 'booking.services.view',
    add: 'booking.services.add',
    change: 'booking.services.change',
    delete: 'booking.services.delete',
  },
  validators: {
    create: serviceCreate,
    update: serviceCreate,
    partialUpdate: serviceCreate.partial(),
    listQuery: z.strictObject({
      page: opt,
      page_size: opt,
      limit: opt,
      offset: opt,
      cursor: opt,
      search: opt,
      ordering: opt,
      deleted: opt,
      category: opt,
      category__in: opt,
      category__isnull: opt,
      duration_minutes__gte: opt,
      duration_minutes__lt: opt,
      is_active: opt,
      name__icontains: opt,
    }),
  },
};

const bookingCreate = z.strictObject({
  service: z.number().int(),
  starts_at: z.iso.datetime({ offset: true }),
  meta: z.unknown().optional(),
});

export const bookingResource: ResourceDescriptor = {
  id: 'test.booking.bookings',
  service: 'test',
  module: 'booking',
  name: 'bookings',
  model: 'Booking',
  table: 'bkg',
  scope: 'company',
  idStyle: 'prefixed',
  idPrefix: 'bkg',
  product: 'booking',
  softDelete: false,
  columns: [
    sys('id', 'id', 'string'),
    sys('company', 'company_id', 'ref'),
    sys('created_at', 'created_at', 'datetime'),
    sys('updated_at', 'updated_at', 'datetime'),
    col('service', 'service_id', 'ref', { ref: 'test.booking.services', refTable: 'svc' }),
    col('starts_at', 'starts_at', 'datetime'),
    col('day', 'day', 'date', { readOnly: true }),
    col('meta', 'meta', 'json'),
  ],
  selectColumns: ['id', 'company_id', 'created_at', 'updated_at', 'service_id', 'starts_at', 'day', 'meta'],
  filters: { service: { column: 'service_id', op: 'exact', type: 'ref' } },
  searchColumns: [],
  orderable: { starts_at: 'starts_at' },
  defaultOrdering: ['-starts_at'],
  permissions: {
    view: 'booking.bookings.view',
    add: 'booking.bookings.add',
    change: 'booking.bookings.change',
    delete: 'booking.bookings.delete',
  },
  validators: { create: bookingCreate, update: bookingCreate, partialUpdate: bookingCreate.partial(), listQuery: z.looseObject({}) },
};

export const echoAction: ActionDescriptor = {
  id: 'test.booking.services.echo',
  service: 'test',
  module: 'booking',
  name: 'echo',
  method: 'POST',
  on: 'item',
  resource: serviceResource,
  handler: 'booking.echo',
  permission: 'booking.services.echo',
  public: false,
  product: 'booking',
  status: 201,
  validators: { body: z.strictObject({ note: z.string().min(1) }) },
};

export const missingAction: ActionDescriptor = {
  ...echoAction,
  id: 'test.booking.services.missing',
  name: 'missing',
  handler: 'booking.missing',
  method: 'GET',
  on: 'collection',
  status: 200,
  validators: {},
};

/** Headers drive identity: X-User (id; user 666 holds no permissions), X-Company-ID (company id), X-Role. */
export const testAuth: AuthProvider = {
  async authenticate(req) {
    const user = req.get('X-User');
    if (!user) return null;
    if (!/^\d+$/.test(user)) throw unauthorized('Invalid token.');
    return { userId: Number(user), email: `u${user}@example.com`, isSuperuser: false, via: 'jwt' };
  },
  async resolveTenant(req, _ctx, op) {
    if (op.scope === 'global') return null;
    const company = Number(req.get('X-Company-ID'));
    if (!company) throw forbidden('Select a company.');
    return {
      companyId: company,
      companyCode: String(company).padStart(3, '0'),
      role: req.get('X-Role') ?? 'staff',
      permissions: new Set(['*']),
    };
  },
  can(ctx) {
    return !!ctx.principal && ctx.principal.userId !== 666;
  },
};

const handlers: HandlerRegistry = {
  'booking.echo': async ({ body, params, audit }) => {
    await audit({ action: 'echo', resource: 'test.booking.services', recordId: params.id!, changes: body });
    return { body: { id: params.id, echoed: body } };
  },
};

export interface TestServer {
  readonly url: string;
  readonly db: Knex;
  readonly audits: Omit<AuditEntry, 'trx' | 'ctx'>[];
  close(): Promise<void>;
}

async function createTables(db: Knex): Promise<void> {
  await db.schema.createTable('workspaces', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable();
  });
  await db.schema.createTable('svc', (t) => {
    t.increments('id');
    t.integer('company_id').notNullable();
    t.integer('workspace_id').nullable().references('id').inTable('workspaces');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.integer('created_by').nullable();
    t.timestamp('deleted_at', { useTz: true }).nullable();
    t.string('name', 200).notNullable();
    t.decimal('price', 12, 2).notNullable();
    t.integer('duration_minutes').notNullable().defaultTo(60);
    t.boolean('is_active').notNullable().defaultTo(true);
    t.text('category').nullable();
    t.unique(['company_id', 'name']);
  });
  await db.schema.createTable('bkg', (t) => {
    t.text('id').primary();
    t.integer('company_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(db.fn.now());
    t.integer('service_id').notNullable().references('id').inTable('svc');
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.date('day').nullable().defaultTo('2026-06-10');
    t.jsonb('meta').nullable();
  });
}

export async function startTestServer(style: ServiceStyle = 'drf'): Promise<TestServer> {
  const schema = `crud_${randomBytes(4).toString('hex')}`;
  const db = await openEmptyDatabase({ service: 'crudtest', schema });
  await createTables(db);
  const audits: TestServer['audits'] = [];
  const rt: Runtime = createRuntime({
    service: 'test',
    style,
    db,
    auth: testAuth,
    handlers,
    audit: async ({ trx, ctx, ...entry }) => {
      // Proves the sink runs inside the write's transaction: the row it describes is visible through trx.
      void ctx;
      await trx.raw('select 1');
      audits.push(entry);
    },
  });
  const routes = Router();
  const s = serviceResource;
  const b = bookingResource;
  routes.get('/services/', rt.authenticate, rt.tenant(s), rt.permit(s.permissions.view), rt.crud.list(s));
  routes.post('/services/', rt.authenticate, rt.tenant(s), rt.permit(s.permissions.add), rt.idempotent, rt.crud.create(s));
  routes.get('/services/missing/', rt.authenticate, rt.tenant(s), rt.permit(missingAction.permission), rt.action(missingAction));
  routes.get('/services/:id/', rt.authenticate, rt.tenant(s), rt.permit(s.permissions.view), rt.crud.retrieve(s));
  routes.put('/services/:id/', rt.authenticate, rt.tenant(s), rt.permit(s.permissions.change), rt.crud.update(s));
  routes.patch('/services/:id/', rt.authenticate, rt.tenant(s), rt.permit(s.permissions.change), rt.crud.partialUpdate(s));
  routes.delete('/services/:id/', rt.authenticate, rt.tenant(s), rt.permit(s.permissions.delete), rt.crud.destroy(s));
  routes.post('/services/:id/echo/', rt.authenticate, rt.tenant(s), rt.permit(echoAction.permission), rt.idempotent, rt.action(echoAction));
  routes.post('/services/:id/restore/', rt.authenticate, rt.tenant(s), rt.permit(s.permissions.delete), rt.crud.restore(s));
  routes.get('/bookings/', rt.authenticate, rt.tenant(b), rt.permit(b.permissions.view), rt.crud.list(b));
  routes.post('/bookings/', rt.authenticate, rt.tenant(b), rt.permit(b.permissions.add), rt.crud.create(b));
  routes.get('/bookings/:id/', rt.authenticate, rt.tenant(b), rt.permit(b.permissions.view), rt.crud.retrieve(b));
  routes.delete('/bookings/:id/', rt.authenticate, rt.tenant(b), rt.permit(b.permissions.delete), rt.crud.destroy(b));
  const app = createApp({ runtime: rt, routes, basePath: '/api/v1/', onServerError: () => {} });
  const server: Server = await new Promise((resolve) => {
    const srv = app.listen(0, () => resolve(srv));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    db,
    audits,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (process.env.DATABASE_URL) await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await closeDatabase(db);
    },
  };
}

/** fetch with the test identity headers; JSON in, JSON (or null) out. */
export function client(base: string, identity: Record<string, string> = { 'X-User': '7', 'X-Company-ID': '1', 'X-Role': 'staff' }) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...identity, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : null };
  };
}
