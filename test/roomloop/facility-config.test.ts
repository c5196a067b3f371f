/**
 * A facility's `slots` and `rules` are checked with the rules' own schemas (runtime/roomloop/rules/rules-config.ts):
 * a bad PATCH is 400 validation_error naming the field and leaves the facility bookable; a bad value already
 * stored (written before that check) is a 422 R-01 for bookings, never a 500; a malformed JSON body is
 * RoomLoop's validation_error. Through the generated server, like http.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { T } from '../../runtime/roomloop/tables.ts';
import { parseRulesConfig, slotsSchema } from '../../runtime/roomloop/rules/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { makeFacility } from './helpers/fixtures.ts';
import { startRoomloopHttp, type RoomloopHttp } from './helpers/http-service.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let http: RoomloopHttp;

beforeAll(async () => {
  http = await startRoomloopHttp();
}, 240_000);
afterAll(async () => {
  await http?.close();
});

/** As the admin; `raw` sends that text as the body. */
const api = (method: string, path: string, body?: unknown, raw?: string) => http.api(method, path, http.adminKey, body, raw);

const book = (facility_id: string, start_slot = 1) =>
  api('POST', 'reservations', { facility_id, date: '2026-06-10', start_slot, end_slot: start_slot, purpose: 'Lesson' });

describe('facility configuration', () => {
  it('every facility of the catalogue passes the schemas', async () => {
    const r = await loadCatalogue(ROOT, { services: ['roomloop'] });
    const seed = r.catalogue!.services[0]!.resources.find((res) => res.name === 'facilities')!.seed;
    expect(seed.length).toBeGreaterThan(0);
    for (const row of seed) {
      expect(slotsSchema.safeParse(row.slots).success, String(row.id)).toBe(true);
      expect(() => parseRulesConfig(row.rules, String(row.id))).not.toThrow();
    }
  });

  it.each([
    [{ rules: { 'R-99': {} } }, 'rules.R-99'],
    [{ rules: { 'R-03': {} } }, 'rules.R-03'],
    [{ rules: { 'R-05': { maximum: 2 } } }, 'rules.R-05'],
    [{ rules: { 'R-05': { max: 0 } } }, 'rules.R-05.max'],
    [{ rules: { 'R-08': { roles: ['principal'] } } }, 'rules.R-08.roles.0'],
    [{ rules: { 'R-09': { dates: ['2026-02-30'] } } }, 'rules.R-09.dates.0'],
    [{ rules: 'garbage' }, 'rules'],
    [{ rules: null }, 'rules'],
    [{ slots: 'garbage' }, 'slots'],
    [{ slots: [] }, 'slots'],
    [
      {
        slots: [
          { number: 1, label: 'P1' },
          { number: 1, label: 'P1 again' },
        ],
      },
      'slots.1.number',
    ],
    [{ slots: [{ number: 1, label: 'P1', start: '10:00', end: '09:00' }] }, 'slots.0.end'],
  ])('PATCH %j is 400 validation_error naming %s, and the facility stays usable', async (patch, field) => {
    const before = (await api('GET', 'facilities/f1')).body;
    const r = await api('PATCH', 'facilities/f1', patch);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_error');
    expect(Object.keys(r.body.error.fields)).toContain(field);
    expect(r.body.error.message).toContain(field);
    expect((await api('GET', 'facilities/f1')).body).toEqual(before);
    expect((await api('GET', 'facilities/f1/availability?date=2026-06-10')).status).toBe(200);
  });

  it('a good PATCH is stored parsed (slots sorted, defaults filled) and the engine applies it', async () => {
    const slots = [
      { number: 2, label: 'P2' },
      { number: 1, label: 'P1' },
    ];
    const r = await api('PATCH', 'facilities/f4', { status: 'active', slots, rules: { 'R-02': {}, 'R-05': { max: 1 } } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: 'f4',
      status: 'active',
      slots: [slots[1], slots[0]],
      rules: { 'R-02': { max_days_ahead: 60 }, 'R-05': { max: 1 } },
    });
    const two = await api('POST', 'reservations', { facility_id: 'f4', date: '2026-06-10', start_slot: 1, end_slot: 2, purpose: 'Lesson' });
    expect(two.status).toBe(422);
    expect(two.body.error.rule).toBe('R-05');
    expect((await book('f4', 2)).body).toMatchObject({ status: 'confirmed', slots: ['P2'] });
    expect((await api('PATCH', 'facilities/f4', { capacity: 31 })).body).toMatchObject({ capacity: 31, slots: [slots[1], slots[0]] });
  });

  it('an unknown facility is 404', async () => {
    expect((await api('PATCH', 'facilities/fac_nope', { capacity: 3 })).status).toBe(404);
  });

  it('bad rules already stored: booking is 422 R-01 naming the field; availability and reservation lists still answer', async () => {
    const id = await makeFacility(http.svc.db, {});
    expect((await book(id)).status).toBe(201);
    await http.svc
      .db(T.facilities)
      .where({ id })
      .update({ rules: JSON.stringify({ 'R-99': {} }) });
    const r = await book(id, 2);
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'rule_violation', rule: 'R-01', message: expect.stringContaining('rules.R-99') });
    expect((await api('GET', `facilities/${id}/availability?date=2026-06-10`)).status).toBe(200);
    const list = await api('GET', `reservations?facility_id=${id}`);
    expect(list.status).toBe(200);
    expect(list.body.data[0].slots).toEqual(['P1']);
    // An admin can mend it through the API.
    expect((await api('PATCH', `facilities/${id}`, { rules: {} })).status).toBe(200);
    expect((await book(id, 2)).status).toBe(201);
  });

  it('bad slots already stored: booking and availability are 422 R-01; lists and exports show no labels instead of failing', async () => {
    const id = await makeFacility(http.svc.db, {});
    expect((await book(id)).status).toBe(201);
    await http.svc
      .db(T.facilities)
      .where({ id })
      .update({ slots: JSON.stringify('garbage') });
    for (const r of [await book(id, 2), await api('GET', `facilities/${id}/availability?date=2026-06-10`)]) {
      expect(r.status).toBe(422);
      expect(r.body.error).toMatchObject({ code: 'rule_violation', rule: 'R-01', message: expect.stringContaining('slots') });
    }
    const list = await api('GET', `reservations?facility_id=${id}`);
    expect(list.status).toBe(200);
    expect(list.body.data[0].slots).toEqual([]);
    const csv = await fetch(`${http.svc.url}/v1/reports/export.csv?from=2026-06-10&to=2026-06-10&facility_id=${id}`, {
      headers: { Authorization: `Bearer ${http.adminKey}` },
    });
    expect(csv.status).toBe(200);
    expect((await csv.text()).split('\n')[1]).toContain(`${id},`);
  });

  it('a malformed JSON body is 400 validation_error in RoomLoop’s error body', async () => {
    const r = await api('PATCH', 'facilities/f1', undefined, '{"rules":');
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ error: { code: 'validation_error', message: expect.any(String) } });
    expect((await api('POST', 'reservations', undefined, '{nope')).body.error.code).toBe('validation_error');
  });
});
