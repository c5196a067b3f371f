/**
 * No double booking under concurrency: 50 simultaneous reservations for one slot on real
 * PostgreSQL give exactly one success, 49 × 409 slot_conflict and one row; overlapping
 * ranges racing each other never share a slot. PGlite has a single connection (no real
 * concurrency), so this file needs DATABASE_URL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, usingPostgres, type TestDb } from './helpers/test-db.ts';
import { actorOf, makeAccount, makeFacility, principalOf } from './helpers/fixtures.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';
import { createReservation } from '../../runtime/roomloop/reservations/create-reservation.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { ApiError } from '../../runtime/http/api-error.ts';

describe.skipIf(!usingPostgres)('concurrent reservations (needs DATABASE_URL: PGlite serialises everything on one connection)', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb('race');
    setClock(() => new Date('2026-06-08T09:14:00Z'));
  });
  afterAll(async () => {
    setClock(null);
    await t?.close();
  });

  async function race(inputs: { facility_id: string; start_slot: number; end_slot: number }[]) {
    const admin = actorOf(principalOf(await makeAccount(t.db, { role: 'admin' })));
    return Promise.allSettled(
      inputs.map((i) => t.db.transaction((trx) => createReservation(trx, admin, { date: '2026-06-10', purpose: 'race', ...i }))),
    );
  }

  it('50 simultaneous bookings of one slot: one 201, 49 × 409 slot_conflict, one row', async () => {
    const f = await makeFacility(t.db, {});
    const results = await race(Array.from({ length: 50 }, () => ({ facility_id: f, start_slot: 2, end_slot: 2 })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const e of refused) {
      expect(e).toBeInstanceOf(ApiError);
      expect(e).toMatchObject({ status: 409, code: 'slot_conflict', rule: 'R-03' });
    }
    expect(Number((await t.db(T.reservations).where({ facility_id: f }).count('* as n'))[0]!.n)).toBe(1);
    expect(Number((await t.db(T.reservationSlots).where({ facility_id: f }).count('* as n'))[0]!.n)).toBe(1);
  });

  it('overlapping ranges racing: no slot is ever held twice', async () => {
    const f = await makeFacility(t.db, {});
    // 40 requests over slots 1..6 with ranges of length 1..3 that overlap in many ways.
    const inputs = Array.from({ length: 40 }, (_, i) => {
      const start = (i % 6) + 1;
      return { facility_id: f, start_slot: start, end_slot: Math.min(6, start + (i % 3)) };
    });
    const results = await race(inputs);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toMatchObject({ status: 409, code: 'slot_conflict' });
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(won.length).toBeGreaterThan(0);
    const held = won.flatMap((r) => Array.from({ length: r.end_slot - r.start_slot + 1 }, (_, k) => r.start_slot + k));
    expect(new Set(held).size).toBe(held.length);
    const rows = await t.db(T.reservationSlots).where({ facility_id: f }).select('slot');
    expect(rows.map((r) => Number(r.slot)).sort()).toEqual([...held].sort());
  });
});
