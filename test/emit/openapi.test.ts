import SwaggerParser from '@apidevtools/swagger-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument, emitOpenApi } from '../../generator/emit/openapi/emit-openapi.ts';
import type { ActionNode, FieldNode, ServiceNode } from '../../generator/ir/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { expectGolden, projectRoot } from '../helpers/golden.ts';

const ctx = { root: projectRoot, version: '0.0.0-test' };
let shop: ServiceNode;
let rooms: ServiceNode;

beforeAll(async () => {
  const { catalogue, diagnostics } = await loadCatalogue(projectRoot, { specDir: 'test/fixtures/basic/spec' });
  if (!catalogue) throw new Error(`fixture does not load:\n${diagnostics.map((d) => JSON.stringify(d)).join('\n')}`);
  shop = catalogue.services.find((s) => s.name === 'shop')!;
  rooms = catalogue.services.find((s) => s.name === 'rooms')!;
});

type Doc = Record<string, any>;
const doc = (s: ServiceNode) => buildOpenApiDocument(s) as Doc;
const param = (op: Doc, name: string): Doc => (op.parameters as Doc[]).find((p) => p.name === name)!;

describe('emitOpenApi on the basic fixture', () => {
  it('matches the golden files', async () => {
    await expectGolden('openapi-basic', [...emitOpenApi(shop, ctx), ...emitOpenApi(rooms, ctx)]);
  });

  it('emits documents that swagger-parser validates', async () => {
    for (const s of [shop, rooms]) await expect(SwaggerParser.validate(structuredClone(doc(s)) as never)).resolves.toBeTruthy();
  });

  it('is deterministic and ends with a newline', () => {
    const [a] = emitOpenApi(shop, ctx);
    const [b] = emitOpenApi(shop, ctx);
    expect(a!.contents).toBe(b!.contents);
    expect(a!.contents.endsWith('}\n')).toBe(true);
    const d = JSON.parse(a!.contents);
    expect(Object.keys(d.paths)).toEqual([...Object.keys(d.paths)].sort());
    expect(Object.keys(d.components.schemas)).toEqual([...Object.keys(d.components.schemas)].sort());
  });

  it('exposes exactly the CRUD operations each resource declares, with IR operation ids', () => {
    const d = doc(shop);
    expect(d.paths['/memberships/{id}/restore/']).toBeUndefined(); // memberships omit restore
    expect(d.paths['/companies/{id}/restore/'].post.operationId).toBe('companiesRestore');
    const item = d.paths['/booking/services/{id}/'];
    expect(Object.keys(item)).toEqual(['get', 'put', 'delete', 'patch']);
    expect(item.patch.operationId).toBe('bookingServicesPartialUpdate');
    expect(item.delete.operationId).toBe('bookingServicesDestroy');
    expect(Object.keys(item.delete.responses)).toContain('204');
    const r = doc(rooms);
    expect(Object.keys(r.paths['/reservations/{id}'])).toEqual(['get', 'delete']); // no trailing slash in roomloop
  });

  it('maps field types, nullability and decimals', () => {
    const s = doc(shop).components.schemas;
    expect(s.BookingService.properties.price).toEqual({ type: 'string', format: 'decimal', pattern: '^-?\\d{1,10}(?:\\.\\d{1,2})?$' });
    expect(s.BookingServiceCreate.properties.price.type).toEqual(['string', 'number']);
    expect(s.BookingService.properties.category.type).toEqual(['string', 'null']);
    expect(s.BookingService.properties.category.enum).toContain(null);
    expect(s.BookingService.required).not.toContain('description');
    expect(s.BookingServiceCreate.required).toEqual(['name', 'price']);
    expect(s.PatchedBookingService.required).toBeUndefined();
    // read-only fields stay out of bodies; write-only ones out of the read shape
    expect(s.BookingAppointmentCreate.properties.total).toBeUndefined();
    expect(s.Membership.properties.password).toBeUndefined();
    expect(s.MembershipCreate.properties.password.writeOnly).toBe(true);
    expect(s.CoreCompany ?? s.Company).toBeDefined();
    const roomRef =
      doc(rooms).components.schemas.ReservationCreate?.properties.room ??
      doc(rooms).components.schemas.FacilitiesReservationCreate?.properties.room;
    expect(roomRef).toEqual({ type: 'string', pattern: '^room_[A-Za-z0-9]+$' });
  });

  it('documents list parameters: pagination, search, ordering and typed filters', () => {
    const list = doc(shop).paths['/booking/services/'].get;
    expect(param(list, 'page_size').schema.maximum).toBe(100);
    expect(param(list, 'search')).toBeDefined();
    expect(param(list, 'ordering').schema.enum).toContain('-duration_minutes');
    expect(param(list, 'category__in')).toMatchObject({
      style: 'form',
      explode: false,
      schema: { type: 'array', items: { enum: ['hair', 'nails', 'spa'] } },
    });
    expect(param(list, 'deleted').schema.enum).toEqual(['include', 'only']);
    const roomsList = doc(rooms).paths['/rooms'].get;
    expect(param(roomsList, 'cursor')).toBeDefined();
    expect((roomsList.parameters as Doc[]).some((p) => p.name === 'page')).toBe(false);
    // Bounded by the catalogue's min and, above, by the int4 column.
    expect(param(roomsList, 'capacity__gte').schema).toEqual({ type: 'integer', format: 'int32', minimum: 1, maximum: 2147483647 });
  });

  it("uses each style's envelopes and error bodies", () => {
    const s = doc(shop).components;
    expect(s.schemas.PaginatedBookingServiceList.required).toEqual(['count', 'next', 'previous', 'results']);
    // DRF's 400 is field errors, or `{detail, code}` for a body that is not JSON (parse_error).
    expect(s.responses.BadRequest.content['application/json'].schema).toEqual({
      anyOf: [{ $ref: '#/components/schemas/ValidationError' }, { $ref: '#/components/schemas/ErrorDetail' }],
    });
    expect(s.responses.NotFound.content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorDetail');
    const r = doc(rooms).components;
    const page = Object.entries(r.schemas as Doc).find(([k]) => k.startsWith('Paginated'))![1];
    expect(Object.keys(page.properties)).toEqual(['data', 'next_cursor']);
    expect(r.schemas.Error.properties.error.properties.rule).toBeDefined();
    expect(Object.keys(doc(rooms).paths['/rooms'].get.responses)).toContain('429');
  });

  it('declares security from service.auth and tenancy headers on tenant operations only', () => {
    const d = doc(shop);
    expect(d.components.securitySchemes).toEqual({
      apiKeyAuth: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-SHOP-API-KEY' }),
      jwtAuth: expect.objectContaining({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }),
    });
    expect(d.security).toEqual([{ jwtAuth: [] }, { apiKeyAuth: [] }]);
    const refs = (op: Doc) => (op.parameters ?? []).map((p: Doc) => p.$ref).filter(Boolean);
    expect(refs(d.paths['/booking/services/'].get)).toEqual(['#/components/parameters/TenantHeader', '#/components/parameters/AppHeader']);
    expect(refs(d.paths['/companies/'].get)).toEqual([]); // companies are global
    expect(d.components.parameters.TenantHeader.name).toBe('X-Company-ID');
    expect(doc(rooms).components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('emits actions with their method, params, bodies and responses', () => {
    const d = doc(shop);
    const inv = d.paths['/booking/appointments/{id}/create-invoice/'].post;
    expect(inv.operationId).toBe('bookingAppointmentsCreateInvoice');
    expect(Object.keys(inv.responses)).toEqual(['201', '400', '401', '403', '404', '409', '413', '415']);
    expect(inv.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\//);
    const cal = d.paths['/booking/calendar/'].get;
    expect(param(cal, 'from')).toMatchObject({ in: 'query', required: true, schema: { type: 'string', format: 'date' } });
    expect(cal.requestBody).toBeUndefined();
  });
});

/** Hand-made variants of the fixture for shapes it does not contain: platform style, multipart, files, public actions. */
describe('emitOpenApi on hand-built IR', () => {
  const f = (name: string, type: FieldNode['type'], extra: Partial<FieldNode> = {}): FieldNode => ({
    kind: 'field',
    name,
    column: name,
    type,
    system: false,
    required: false,
    nullable: false,
    unique: false,
    filter: [],
    search: false,
    orderable: false,
    readOnly: false,
    writeOnly: false,
    index: false,
    ...extra,
  });
  function variant(): ServiceNode {
    const base = rooms.actions[0] ?? shop.actions[0]!;
    const mk = (a: Partial<ActionNode>): ActionNode =>
      ({
        ...base,
        resource: undefined,
        on: 'module',
        pathParams: [],
        query: [],
        errors: [],
        permission: null,
        public: false,
        ...a,
      }) as ActionNode;
    const actions: ActionNode[] = [
      mk({
        name: 'bulk',
        method: 'POST',
        path: 'accounts/bulk',
        operationId: 'accountsBulk',
        status: 200,
        request: {
          kind: 'shape',
          shape: 'multipart',
          name: 'AccountsBulkRequest',
          fields: [f('file', 'file', { required: true }), f('dry_run', 'boolean')],
        },
        response: { kind: 'shape', shape: 'empty' },
      }),
      mk({
        name: 'export',
        method: 'GET',
        path: 'accounts/export',
        operationId: 'accountsExport',
        status: 200,
        request: { kind: 'shape', shape: 'empty' },
        response: { kind: 'shape', shape: 'file', contentType: 'text/csv' },
      }),
      mk({
        name: 'ping',
        method: 'GET',
        path: 'ping',
        operationId: 'ping',
        status: 200,
        public: true,
        request: { kind: 'shape', shape: 'empty' },
        response: { kind: 'shape', shape: 'object', name: 'PingResponse', many: false, fields: [f('ok', 'boolean', { required: true })] },
      }),
    ];
    return { ...rooms, style: 'platform', auth: ['api_key'], apiKeyHeader: 'X-API-Key', actions };
  }

  it('validates and renders multipart, file, public and platform envelopes', async () => {
    const s = variant();
    const d = buildOpenApiDocument(s) as Doc;
    await expect(SwaggerParser.validate(structuredClone(d) as never)).resolves.toBeTruthy();
    const bulk = d.paths['/accounts/bulk'].post;
    expect(d.components.schemas.AccountsBulkRequest.properties.file).toEqual({ type: 'string', format: 'binary' });
    expect(bulk.requestBody.content['multipart/form-data']).toBeDefined();
    expect(bulk.responses['200'].content['application/json'].schema.properties.data).toEqual({ type: 'null' });
    expect(d.paths['/accounts/export'].get.responses['200'].content['text/csv'].schema).toEqual({ type: 'string', format: 'binary' });
    const ping = d.paths['/ping'].get;
    expect(ping.security).toEqual([]);
    // Any operation may answer 400 for a query value PostgreSQL cannot store (runtime/http/input-guard.ts).
    expect(Object.keys(ping.responses)).toEqual(['200', '400']);
    expect(ping.responses['200'].content['application/json'].schema.required).toEqual(['success', 'data', 'request_id']);
    const page = Object.entries(d.components.schemas as Doc).find(([k]) => k.startsWith('Paginated'))![1];
    expect(page.properties.data.properties.results.type).toBe('array');
    expect(d.components.schemas.ErrorEnvelope.properties.success).toEqual({ const: false });
    const del = Object.values(d.paths as Doc).find((p) => p.delete)!.delete;
    expect(Object.keys(del.responses)).toContain('200');
  });

  it('refuses two operations on one method and path', () => {
    const s = variant();
    const dup = { ...s, actions: [s.actions[1]!, { ...s.actions[1]!, operationId: 'other' }] };
    expect(() => buildOpenApiDocument(dup)).toThrow(/two operations for GET \/accounts\/export/);
  });
});
