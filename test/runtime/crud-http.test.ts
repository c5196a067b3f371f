/** CRUD over HTTP on PGlite (or DATABASE_URL): a DRF-style service built from hand-made descriptors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, startTestServer, type TestServer } from './crud-fixture.ts';

let srv: TestServer;
let api: ReturnType<typeof client>;
let admin: ReturnType<typeof client>;
let other: ReturnType<typeof client>;

beforeAll(async () => {
  srv = await startTestServer('drf');
  api = client(srv.url);
  admin = client(srv.url, { 'X-User': '1', 'X-Company-ID': '1', 'X-Role': 'admin' });
  other = client(srv.url, { 'X-User': '9', 'X-Company-ID': '2', 'X-Role': 'owner' });
});
afterAll(async () => srv?.close());

describe('create', () => {
  it('creates with defaults, server fields and wire formats', async () => {
    const r = await api('POST', '/services/', { name: 'Haircut', price: '25.5', category: 'hair' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: 'Haircut',
      price: '25.50',
      duration_minutes: 60,
      is_active: true,
      category: 'hair',
      company: 1,
      created_by: 7,
      deleted_at: null,
      workspace: null,
    });
    expect(typeof r.body.id).toBe('number');
    expect(r.body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(srv.audits.at(-1)).toMatchObject({ action: 'create', resource: 'test.booking.services', recordId: r.body.id });
    expect((srv.audits.at(-1)!.changes as Record<string, unknown>).name).toEqual({ from: null, to: 'Haircut' });
  });

  it('answers validation errors in DRF shape', async () => {
    const r = await api('POST', '/services/', { price: 'abc', duration_minutes: 1, company: 5 });
    expect(r.status).toBe(400);
    // `company` is server-set: the strict schema refuses it as an unknown key (DRF's non_field_errors).
    expect(Object.keys(r.body).sort()).toEqual(['duration_minutes', 'name', 'non_field_errors', 'price']);
    expect(r.body.price).toEqual(['Enter a number.']);
    expect(typeof r.body.name[0]).toBe('string');
  });

  it('refuses malformed JSON with 400', async () => {
    const r = await api('POST', '/services/', '{"name": ');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ detail: expect.stringMatching(/^JSON parse error - ./), code: 'parse_error' });
  });

  it('maps a unique violation to a 400 naming the field', async () => {
    const r = await api('POST', '/services/', { name: 'Haircut', price: 1 });
    expect(r.status).toBe(400);
    expect(r.body.name[0]).toMatch(/already exists/);
  });

  it('refuses a workspace of another company', async () => {
    const [ws] = await srv.db('workspaces').insert({ company_id: 2 }).returning('id');
    const r = await api('POST', '/services/', { name: 'Nails', price: 3, workspace: (ws as { id: number }).id });
    expect(r.status).toBe(400);
    expect(r.body.workspace[0]).toMatch(/does not exist/);
  });
});

describe('list', () => {
  beforeAll(async () => {
    for (const [name, price, duration, category, active] of [
      ['Massage', '80.00', 90, 'spa', true],
      ['Manicure', '20.00', 30, 'nails', true],
      ['Pedicure', '22.00', 45, 'nails', false],
      ['Facial', '50.00', 60, null, true],
    ] as const) {
      const r = await api('POST', '/services/', { name, price, duration_minutes: duration, category, is_active: active });
      expect(r.status).toBe(201);
    }
    expect((await other('POST', '/services/', { name: 'Other shop', price: 1 })).status).toBe(201);
  });

  it('pages with absolute links and the default ordering', async () => {
    const r = await api('GET', '/services/?page_size=2');
    expect(r.status).toBe(200);
    expect(r.body.count).toBe(5);
    expect(r.body.results.map((x: { name: string }) => x.name)).toEqual(['Facial', 'Haircut']);
    expect(r.body.previous).toBeNull();
    expect(r.body.next).toBe(`${srv.url}/services/?page_size=2&page=2`);
    const p3 = await api('GET', '/services/?page_size=2&page=3');
    expect(p3.body.results.map((x: { name: string }) => x.name)).toEqual(['Pedicure']);
    expect(p3.body.next).toBeNull();
    expect(p3.body.previous).toBe(`${srv.url}/services/?page_size=2&page=2`);
    expect((await api('GET', '/services/?page=9')).status).toBe(404);
  });

  it('filters, searches and orders', async () => {
    const names = async (q: string) => {
      const r = await api('GET', `/services/?${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.results.map((x: { name: string }) => x.name);
    };
    expect(await names('category=nails')).toEqual(['Manicure', 'Pedicure']);
    expect(await names('category__in=spa,hair')).toEqual(['Haircut', 'Massage']);
    expect(await names('category__isnull=true')).toEqual(['Facial']);
    expect(await names('duration_minutes__gte=60&duration_minutes__lt=90')).toEqual(['Facial', 'Haircut']);
    expect(await names('is_active=false')).toEqual(['Pedicure']);
    expect(await names('search=CURE')).toEqual(['Manicure', 'Pedicure']);
    expect(await names('name__icontains=%25')).toEqual([]);
    expect(await names('ordering=-duration_minutes,name')).toEqual(['Massage', 'Facial', 'Haircut', 'Pedicure', 'Manicure']);
  });

  it('answers 400 naming the parameter for bad filters, ordering and unknown keys', async () => {
    const bad = await api('GET', '/services/?duration_minutes__gte=abc');
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body)).toEqual(['duration_minutes__gte']);
    const order = await api('GET', '/services/?ordering=price');
    expect(order.status).toBe(400);
    expect(order.body.ordering[0]).toMatch(/Cannot order by "price"/);
    const unknown = await api('GET', '/services/?colour=red');
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body)).toEqual(['non_field_errors']);
  });
});

describe('item operations', () => {
  it('retrieves, replaces, patches, deletes and restores', async () => {
    const created = await api('POST', '/services/', { name: 'Beard trim', price: '15.00' });
    const id = created.body.id;
    expect((await api('GET', `/services/${id}/`)).body.name).toBe('Beard trim');

    const put = await api('PUT', `/services/${id}/`, { name: 'Beard', price: 16 });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Beard', price: '16.00' });
    expect((await api('PUT', `/services/${id}/`, { name: 'Beard' })).status).toBe(400);

    const patch = await api('PATCH', `/services/${id}/`, { is_active: false });
    expect(patch.body).toMatchObject({ name: 'Beard', is_active: false });
    expect(srv.audits.at(-1)).toMatchObject({ action: 'update', recordId: id, changes: { is_active: { from: true, to: false } } });

    expect((await api('DELETE', `/services/${id}/`)).status).toBe(204);
    expect((await api('GET', `/services/${id}/`)).status).toBe(404);
    expect((await api('PATCH', `/services/${id}/`, { name: 'x' })).status).toBe(404);

    expect((await api('GET', '/services/?deleted=only')).status).toBe(403);
    const deleted = await admin('GET', '/services/?deleted=only');
    expect(deleted.body.results.map((x: { id: number }) => x.id)).toEqual([id]);

    expect((await api('POST', `/services/${id}/restore/`)).status).toBe(403);
    const restored = await admin('POST', `/services/${id}/restore/`);
    expect(restored.status).toBe(200);
    expect(restored.body.deleted_at).toBeNull();
    expect((await api('GET', `/services/${id}/`)).status).toBe(200);
    expect((await admin('POST', `/services/${id}/restore/`)).status).toBe(404);
  });

  it('hides other tenants and answers 404 for malformed ids', async () => {
    const theirs = await other('GET', '/services/');
    const id = theirs.body.results[0].id;
    expect((await api('GET', `/services/${id}/`)).status).toBe(404);
    expect((await api('DELETE', `/services/${id}/`)).status).toBe(404);
    expect((await api('GET', '/services/abc/')).status).toBe(404);
    expect((await api('GET', '/services/')).body.results.some((x: { name: string }) => x.name === 'Other shop')).toBe(false);
  });

  it('checks references, maps ref columns, prefixed ids, dates and hard delete', async () => {
    const svc = (await api('GET', '/services/?search=Massage')).body.results[0];
    const theirs = (await other('GET', '/services/')).body.results[0];
    const bad = await api('POST', '/bookings/', { service: theirs.id, starts_at: '2026-06-10T10:00:00Z' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ service: [`Invalid pk "${theirs.id}" - object does not exist.`] });

    const r = await api('POST', '/bookings/', { service: svc.id, starts_at: '2026-06-10T10:00:00+02:00', meta: [1, { a: 2 }] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.id).toMatch(/^bkg_[0-9a-f]{12}$/);
    expect(r.body).toMatchObject({ service: svc.id, starts_at: '2026-06-10T08:00:00.000Z', day: '2026-06-10', meta: [1, { a: 2 }] });
    expect('service_id' in r.body).toBe(false);
    expect((await api('GET', `/bookings/?service=${svc.id}`)).body.count).toBe(1);

    // A soft-deleted target is no longer a valid reference.
    const gone = await api('POST', '/services/', { name: 'Gone', price: 1 });
    await api('DELETE', `/services/${gone.body.id}/`);
    expect((await api('POST', '/bookings/', { service: gone.body.id, starts_at: '2026-06-10T10:00:00Z' })).status).toBe(400);

    expect((await api('DELETE', `/bookings/${r.body.id}/`)).status).toBe(204);
    expect(await srv.db('bkg').where({ id: r.body.id }).first()).toBeUndefined();
  });
});

describe('auth, actions and errors', () => {
  it('renders 401, 403 and unknown routes in DRF shape', async () => {
    const anon = client(srv.url, {});
    const r401 = await anon('GET', '/services/');
    expect(r401.status).toBe(401);
    expect(r401.body).toEqual({ detail: 'Authentication credentials were not provided.', code: 'not_authenticated' });
    const r403 = await client(srv.url, { 'X-User': '666', 'X-Company-ID': '1' })('GET', '/services/');
    expect(r403.status).toBe(403);
    expect(r403.body.code).toBe('permission_denied');
    const r404 = await api('GET', '/nowhere/');
    expect(r404.status).toBe(404);
    expect(r404.body).toEqual({ detail: 'No endpoint GET /api/v1/nowhere/.', code: 'route_not_found' });
    expect(r404.headers.get('x-request-id')).toBeTruthy();
  });

  it('runs an action in a transaction with its validated body', async () => {
    const svc = (await api('GET', '/services/?search=Facial')).body.results[0];
    const r = await api('POST', `/services/${svc.id}/echo/`, { note: 'hi' }, { 'X-Request-ID': 'req-1' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ id: String(svc.id), echoed: { note: 'hi' } });
    expect(r.headers.get('x-request-id')).toBe('req-1');
    expect(srv.audits.at(-1)).toMatchObject({ action: 'echo', recordId: String(svc.id) });
    expect((await api('POST', `/services/${svc.id}/echo/`, { note: '' })).status).toBe(400);
    expect((await api('POST', '/services/999999/echo/', { note: 'x' })).status).toBe(404);
  });

  it('answers 501 for an action without a handler', async () => {
    const r = await api('GET', '/services/missing/');
    expect(r.status).toBe(501);
    expect(r.body.code).toBe('handler_not_implemented');
  });
});
