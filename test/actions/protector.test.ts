/** The protector item state machine, public-verify, search and reports through the generated server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_VERIFY_PER_MINUTE } from '../../runtime/loop/handlers/protector.ts';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { create, type LoopClient, request, signUp } from './loop-client.ts';

let svc: TestService;
let c: LoopClient;
let other: LoopClient;
let phones: any;

beforeAll(async () => {
  svc = await startTestService('loop');
  c = await signUp(svc, 'prot');
  other = await signUp(svc, 'protother');
  phones = await create(c, 'protector/categories/', { name: 'Phones', slug: 'phones', serial_label: 'IMEI' });
}, 60_000);
afterAll(async () => svc?.close());

const item = (over: Record<string, unknown> = {}) =>
  create(c, 'protector/items/', {
    category: phones.id,
    name: 'iPhone 14',
    brand: 'Apple',
    owner_name: 'Grace',
    owner_phone: '+250788000001',
    owner_email: 'g@example.test',
    ...over,
  });
const act = (i: any, action: string, body: Record<string, unknown> = {}) => c.post(`protector/items/${i.id}/${action}/`, body);
const verify = (id: string, ip = '198.51.100.1') =>
  request(`${svc.api}protector/public-verify/${id}/`, 'GET', undefined, { 'X-Forwarded-For': ip });

describe('item state machine', () => {
  it('lost → found → recovered, with a recovery case following along', async () => {
    const i = await item();
    const lost = await act(i, 'report-lost', { location: 'Bus 12', contact_phone: '+250788000009' });
    expect(lost.status).toBe(201);
    expect(lost.body).toMatchObject({ item: i.id, kind: 'lost', status: 'open', location: 'Bus 12' });
    const found = await act(i, 'mark-found', { finder_name: 'Driver' });
    expect(found.status).toBe(200);
    expect(found.body.status).toBe('found');
    expect(found.body.protector_id).toMatch(/^PRT-[0-9A-Z]{8}$/);
    const rec = await act(i, 'mark-recovered', { notes: 'Returned' });
    expect(rec.body.status).toBe('recovered');
    const kase = (await c.get(`protector/recovery-cases/${lost.body.id}/`)).body;
    expect(kase).toMatchObject({ status: 'recovered' });
    expect(kase.notes).toContain('Found by Driver');
    expect(Date.parse(kase.recovered_at)).not.toBeNaN();
  });

  it('a loss re-reported as theft re-classifies the open case', async () => {
    const i = await item();
    const lost = await act(i, 'report-lost');
    const stolen = await act(i, 'report-stolen', { police_report_number: 'RIB-42' });
    expect(stolen.status).toBe(200);
    expect(stolen.body).toMatchObject({ id: lost.body.id, kind: 'stolen', police_report_number: 'RIB-42' });
  });

  it('illegal moves are 409s naming the current status, and change nothing', async () => {
    const i = await item();
    const r = await act(i, 'mark-found');
    expect(r.status).toBe(409);
    expect(JSON.stringify(r.body)).toContain('registered');
    await act(i, 'report-stolen');
    const t = await act(i, 'transfer-ownership', { new_owner_name: 'Thief' });
    expect(t.status).toBe(409);
    expect(JSON.stringify(t.body)).toContain('stolen');
    expect((await act(i, 'report-lost')).status).toBe(409);
    expect((await c.get(`protector/items/${i.id}/`)).body).toMatchObject({ status: 'stolen', owner_name: 'Grace' });
  });

  it('transfer-ownership writes the ownership chain and updates the owner', async () => {
    const i = await item();
    const t = await act(i, 'transfer-ownership', { new_owner_name: 'Jean', reason: 'sale', price: '500.00' });
    expect(t.status).toBe(201);
    expect(t.body).toMatchObject({ item: i.id, owner_name: 'Jean', reason: 'sale', price: '500.00', ended_at: null });
    await act(i, 'transfer-ownership', { new_owner_name: 'Ange', reason: 'gift' });
    const chain = (await c.get(`protector/ownership-records/?item=${i.id}&ordering=started_at`)).body.results;
    expect(chain.map((r: any) => [r.owner_name, r.reason, r.ended_at === null])).toEqual([
      ['Grace', 'registration', false],
      ['Jean', 'sale', false],
      ['Ange', 'gift', true],
    ]);
    expect((await c.get(`protector/items/${i.id}/`)).body).toMatchObject({ status: 'transferred', owner_name: 'Ange', owner_email: null });
    const audit = await svc.db('audit_logs').where({ company_id: c.companyId, action: 'transfer-ownership', record_id: String(i.id) });
    expect(audit).toHaveLength(2);
  });

  it('404 for unknown or foreign items; 400 for a bad body', async () => {
    const i = await item();
    expect((await c.post('protector/items/999999/report-lost/', {})).status).toBe(404);
    expect((await other.post(`protector/items/${i.id}/report-lost/`, {})).status).toBe(404);
    expect((await act(i, 'transfer-ownership', {})).status).toBe(400);
    expect((await act(i, 'transfer-ownership', { new_owner_name: 'X', reason: 'theft' })).status).toBe(400);
  });
});

describe('protector/public-verify/{protector_id}/', () => {
  it('answers without a token, flags stolen items, shows no personal data, logs the check', async () => {
    const i = await item();
    const stolen = await act(i, 'report-stolen');
    expect(stolen.status).toBe(201);
    const pid = (await c.get(`protector/items/${i.id}/`)).body.protector_id;
    const r = await verify(pid.toLowerCase());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      protector_id: pid,
      name: 'iPhone 14',
      category: 'Phones',
      brand: 'Apple',
      status: 'stolen',
      is_flagged: true,
    });
    expect(Object.keys(r.body).sort()).toEqual([
      'brand',
      'category',
      'is_flagged',
      'message',
      'name',
      'protector_id',
      'registered_at',
      'status',
    ]);
    expect(JSON.stringify(r.body)).not.toMatch(/Grace|250788|g@example/);
    const log = await c.get(`protector/verification-requests/?item=${i.id}`);
    expect(log.body.results[0]).toMatchObject({ result: 'stolen', channel: 'public_web', query: pid });
  });

  it('finds an item right after its creation (the Protector ID is generated on create)', async () => {
    const i = await item({ name: 'Bike', brand: 'Trek' });
    expect(i.protector_id).toMatch(/^PRT-[0-9A-HJKMNP-TV-Z]{8}$/);
    const second = await item();
    expect(second.protector_id).not.toBe(i.protector_id);
    const r = await verify(i.protector_id, '198.51.100.2');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ protector_id: i.protector_id, name: 'Bike', status: 'registered', is_flagged: false });
    // Read-only: a client cannot choose its own ID (DRF ignores the read-only field; the server generates one).
    const chosen = await c.post('protector/items/', { category: phones.id, name: 'X', owner_name: 'Y', protector_id: 'PRT-MINE0000' });
    expect(chosen.status).toBe(201);
    expect(chosen.body.protector_id).toMatch(/^PRT-[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(chosen.body.protector_id).not.toBe('PRT-MINE0000');
  });

  it('404 for unknown IDs and items hidden from public checks', async () => {
    expect((await verify('PRT-NOPE0000')).status).toBe(404);
    const hidden = await item({ is_public: false });
    await act(hidden, 'transfer-ownership', { new_owner_name: 'Z' });
    const pid = (await c.get(`protector/items/${hidden.id}/`)).body.protector_id;
    expect((await verify(pid)).status).toBe(404);
  });

  it('is rate limited per client', async () => {
    let last = 0;
    for (let n = 0; n <= PUBLIC_VERIFY_PER_MINUTE; n++) last = (await verify('PRT-LIMIT000', '198.51.100.77')).status;
    expect(last).toBe(429);
  });
});

describe('protector/search/ and reports/', () => {
  it('finds items by serial, owner or Protector ID within the company', async () => {
    const i = await item({ name: 'Galaxy S23', brand: 'Samsung', owner_name: 'Olivier' });
    await create(c, 'protector/serials/', { item: i.id, kind: 'imei', value: '356938035643809' });
    const bySerial = await c.get('protector/search/?q=0356438');
    expect(bySerial.body.results.map((x: any) => x.id)).toEqual([i.id]);
    expect((await c.get('protector/search/?q=olivier')).body.count).toBe(1);
    expect((await c.get('protector/search/?q=olivier&status=lost')).body.count).toBe(0);
    expect((await other.get('protector/search/?q=olivier')).body.count).toBe(0);
    // LIKE wildcards in the query are matched literally.
    expect((await c.get('protector/search/?q=%25%25')).body.count).toBe(0);
    expect((await c.get('protector/search/?q=a')).status).toBe(400);
  });

  it('counts registrations, losses, recoveries and verifications', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const r = await c.get(`protector/reports/?from=${today}&to=${today}`);
    expect(r.status).toBe(200);
    const items = (await c.get('protector/items/?page_size=100')).body.count;
    expect(r.body.registered).toBe(items);
    expect(r.body.lost).toBe(1);
    expect(r.body.stolen).toBe(3);
    expect(r.body.recovered).toBe(1);
    expect(r.body.recovery_rate).toBe('25.00');
    expect(r.body.verifications).toBeGreaterThanOrEqual(1);
    expect(r.body.by_category).toEqual([{ category: phones.id, name: 'Phones', registered: items, lost: 1, stolen: 3, recovered: 1 }]);
    expect(r.body.by_status.stolen).toBe(3);
    expect((await c.get(`protector/reports/?from=${today}&to=2000-01-01`)).status).toBe(400);
  });
});
