import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { formatDiagnostic } from '../../generator/diagnostics.ts';
import { FIELD_TYPES, type CatalogueNode, type ResourceNode } from '../../generator/ir/index.ts';

const root = fileURLToPath(new URL('../fixtures/basic', import.meta.url));

async function load(): Promise<CatalogueNode> {
  const r = await loadCatalogue(root);
  expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  expect(r.catalogue).not.toBeNull();
  return r.catalogue!;
}

function resource(c: CatalogueNode, id: string): ResourceNode {
  const r = c.services.flatMap((s) => s.resources).find((x) => x.id === id);
  if (!r) throw new Error(`no resource ${id}`);
  return r;
}

describe('basic fixture', () => {
  it('loads both services with every source file', async () => {
    const r = await loadCatalogue(root);
    expect(r.sources).toEqual([
      'spec/rooms/facilities.yaml',
      'spec/rooms/service.yaml',
      'spec/shop/booking.yaml',
      'spec/shop/core.yaml',
      'spec/shop/service.yaml',
    ]);
    const c = await load();
    expect(c.services.map((s) => s.name)).toEqual(['rooms', 'shop']);
    const shop = c.services[1]!;
    expect(shop.modules.map((m) => m.name)).toEqual(['booking', 'core']);
    expect(shop.resources.map((r) => r.path)).toEqual([
      'booking/appointments',
      'booking/services',
      'booking/staff',
      'companies',
      'memberships',
    ]);
    expect(shop.trailingSlash).toBe(true);
    expect(shop.tenantHeader).toBe('X-Company-ID');
    expect(c.services[0]!.trailingSlash).toBe(false);
  });

  it('uses every field type at least once', async () => {
    const c = await load();
    const used = new Set(c.services.flatMap((s) => s.resources.flatMap((r) => r.fields.map((f) => f.type))));
    expect(FIELD_TYPES.filter((t) => !used.has(t))).toEqual([]);
  });

  it('derives names, tables, paths and permissions', async () => {
    const c = await load();
    const svc = resource(c, 'shop.booking.services');
    expect(svc).toMatchObject({
      typeName: 'BookingService',
      table: 'booking_services',
      path: 'booking/services',
      operationIdBase: 'bookingServices',
      sdkPath: ['booking', 'services'],
      product: 'booking',
      tag: 'Booking',
      permissions: {
        view: 'booking.services.view',
        add: 'booking.services.add',
        change: 'booking.services.change',
        delete: 'booking.services.delete',
      },
      ordering: ['name', '-created_at'],
    });
    expect(resource(c, 'shop.booking.staff')).toMatchObject({ typeName: 'BookingStaffMember', ordering: ['-created_at'] });
    expect(resource(c, 'shop.core.companies')).toMatchObject({
      typeName: 'Company',
      table: 'companies',
      path: 'companies',
      product: null,
      scope: 'global',
    });
    expect(resource(c, 'rooms.facilities.rooms')).toMatchObject({ table: 'rooms', path: 'rooms', idStyle: 'prefixed', idPrefix: 'room' });
  });

  it('puts system columns first, then declared fields in file order', async () => {
    const c = await load();
    const cols = resource(c, 'shop.booking.appointments').fields.map((f) => f.column);
    expect(cols).toEqual([
      'id',
      'company_id',
      'workspace_id',
      'created_at',
      'updated_at',
      'created_by',
      'deleted_at',
      'service_id',
      'staff_id',
      'starts_at',
      'status',
      'total',
      'meta',
    ]);
    expect(
      resource(c, 'shop.core.companies')
        .fields.map((f) => f.column)
        .slice(0, 5),
    ).toEqual(['id', 'created_at', 'updated_at', 'created_by', 'deleted_at']);
    // Without soft delete there is no deleted_at; prefixed ids are strings.
    const rsv = resource(c, 'rooms.facilities.reservations');
    expect(rsv.fields.map((f) => f.column)).not.toContain('deleted_at');
    expect(rsv.fields[0]).toMatchObject({ name: 'id', type: 'string', system: true, readOnly: true });
    expect(rsv.operations).toEqual(['list', 'create', 'retrieve', 'delete']);
  });

  it('makes company a ref to core companies when the service has them, else an integer', async () => {
    const c = await load();
    const company = resource(c, 'shop.booking.services').fields.find((f) => f.name === 'company')!;
    expect(company).toMatchObject({ column: 'company_id', type: 'ref', required: true, system: true, readOnly: true });
    expect(company.ref).toEqual({ resource: 'shop.core.companies', table: 'companies', column: 'id', onDelete: 'restrict' });
    const workspace = resource(c, 'shop.booking.services').fields.find((f) => f.name === 'workspace')!;
    expect(workspace).toMatchObject({ column: 'workspace_id', readOnly: false, required: false, nullable: true });
    expect(resource(c, 'rooms.facilities.rooms').fields[1]).toMatchObject({ name: 'company', type: 'integer' });
  });

  it('resolves refs and maps filters', async () => {
    const c = await load();
    const f = Object.fromEntries(resource(c, 'shop.booking.appointments').fields.map((x) => [x.name, x]));
    expect(f.service!.ref).toEqual({ resource: 'shop.booking.services', table: 'booking_services', column: 'id', onDelete: 'restrict' });
    expect(f.service!.filter).toEqual(['exact', 'in']);
    expect(f.staff!.filter).toEqual(['exact', 'in', 'isnull']);
    expect(f.starts_at!.filter).toEqual(['exact', 'gte', 'lte', 'gt', 'lt']);
    expect(f.status).toMatchObject({ type: 'enum', enumValues: ['pending', 'confirmed', 'cancelled'], default: 'pending' });
    const staff = Object.fromEntries(resource(c, 'shop.booking.staff').fields.map((x) => [x.name, x]));
    expect(staff.membership!.ref).toMatchObject({ resource: 'shop.core.memberships', table: 'memberships', onDelete: 'set_null' });
    const email = resource(c, 'shop.core.memberships').fields.find((x) => x.name === 'email')!;
    expect(email.filter).toEqual(['exact', 'in', 'icontains']);
    const price = resource(c, 'shop.booking.services').fields.find((x) => x.name === 'price')!;
    expect(price).toMatchObject({ precision: 12, scale: 2, min: 0, required: true });
  });

  it('builds item and module actions', async () => {
    const c = await load();
    const shop = c.services.find((s) => s.name === 'shop')!;
    expect(shop.actions.map((a) => `${a.method} ${a.path}`)).toEqual([
      'POST booking/appointments/{id}/create-invoice/',
      'GET booking/calendar/',
    ]);
    const [invoice, calendar] = shop.actions;
    expect(invoice).toMatchObject({
      on: 'item',
      resource: 'shop.booking.appointments',
      operationId: 'bookingAppointmentsCreateInvoice',
      sdkName: 'createInvoice',
      handler: 'booking.createInvoice',
      permission: 'booking.appointments.create-invoice',
      status: 201,
      errors: [409],
      tag: 'Booking',
    });
    expect(invoice!.pathParams.map((p) => [p.name, p.type])).toEqual([['id', 'integer']]);
    expect(invoice!.request).toMatchObject({ shape: 'object', name: 'BookingAppointmentsCreateInvoiceRequest' });
    expect(calendar).toMatchObject({
      on: 'module',
      operationId: 'bookingCalendar',
      handler: 'booking.calendar',
      permission: 'booking.booking.calendar',
      request: { shape: 'empty' },
      response: { shape: 'object', name: 'BookingCalendarResponse', many: false },
    });
    expect(calendar!.query.map((q) => [q.name, q.type, q.required])).toEqual([
      ['from', 'date', true],
      ['to', 'date', true],
      ['staff', 'integer', false],
      ['group_by', 'enum', false],
    ]);
    // The resource view and the service view share the same action objects.
    expect(resource(c, 'shop.booking.appointments').actions[0]).toBe(invoice);
  });

  it('records source locations', async () => {
    const c = await load();
    const svc = resource(c, 'shop.booking.services');
    expect(svc.loc).toEqual({ file: 'spec/shop/booking.yaml', line: 5, column: 3 });
    expect(svc.fields.find((f) => f.name === 'price')!.loc).toEqual({ file: 'spec/shop/booking.yaml', line: 12, column: 7 });
  });

  it('loads only the requested services and reports unknown ones', async () => {
    const only = await loadCatalogue(root, { services: ['rooms'] });
    expect(only.catalogue!.services.map((s) => s.name)).toEqual(['rooms']);
    const wrong = await loadCatalogue(root, { services: ['shopp'] });
    expect(wrong.catalogue).toBeNull();
    expect(wrong.diagnostics.map(formatDiagnostic)).toEqual(['spec:1:1 unknown service "shopp" (did you mean "shop"?)']);
  });
});
