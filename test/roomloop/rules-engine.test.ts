/**
 * The reservation rules engine against a real database (PGlite, or PostgreSQL with DATABASE_URL):
 * the example in docs/api/roomloop-api.txt, then each rule's refusal with its stable code.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { openTestDb, type TestDb } from './helpers/test-db.ts';
import { actorOf, makeAccount, makeFacility, principalOf } from './helpers/fixtures.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';
import { createReservation, type CreateReservationInput } from '../../runtime/roomloop/reservations/create-reservation.ts';
import { changeReservation } from '../../runtime/roomloop/reservations/change-reservation.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { ApiError } from '../../runtime/http/api-error.ts';
import type { RoomloopPrincipal } from '../../runtime/roomloop/principal.ts';

let t: TestDb;
let db: Knex;
let teacher: RoomloopPrincipal;
let admin: RoomloopPrincipal;

beforeAll(async () => {
  t = await openTestDb('rules');
  db = t.db;
  teacher = principalOf(await makeAccount(db, { department: 'Science' }));
  admin = principalOf(await makeAccount(db, { role: 'admin', department: null }));
});
afterAll(async () => {
  setClock(null);
  await t?.close();
});
// The example in docs/api/roomloop-api.txt books 2026-06-10 at 2026-06-08T09:14:00Z.
beforeEach(() => setClock(() => new Date('2026-06-08T09:14:00Z')));

const book = (who: RoomloopPrincipal, input: Partial<CreateReservationInput> & { facility_id: string }) =>
  db.transaction((trx) =>
    createReservation(trx, actorOf(who), { date: '2026-06-10', start_slot: 1, end_slot: 1, purpose: 'Lesson', ...input }),
  );

async function refusal(p: Promise<unknown>): Promise<{ status: number; code: string; rule?: string; message: string }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'expected a refusal').toBeInstanceOf(ApiError);
  const a = e as ApiError;
  return { status: a.status, code: a.code, rule: a.rule, message: a.message };
}

describe('seed 001 example', () => {
  it('books f1 slots 2–3 and answers the canonical resource', async () => {
    const r = await book(teacher, {
      facility_id: 'f1',
      date: '2026-06-10',
      start_slot: 2,
      end_slot: 3,
      purpose: 'Grade 10 Chemistry — titration lab',
    });
    expect(r.id).toMatch(/^res_[0-9a-f]+$/);
    expect(r).toMatchObject({
      status: 'confirmed',
      facility: { id: 'f1', name: 'STEM Lab Alpha' },
      date: '2026-06-10',
      slots: ['10:00–10:50', '11:00–11:50'],
      created_at: '2026-06-08T09:14:00Z',
    });
    expect(Number((await db(T.reservationSlots).where({ reservation_id: r.id }).count('* as n'))[0]!.n)).toBe(2);
  });
});

describe('refusals', () => {
  it('R-01 facility not active', async () => {
    expect(await refusal(book(teacher, { facility_id: 'f4' }))).toMatchObject({ status: 422, code: 'rule_violation', rule: 'R-01' });
  });
  it('R-02 date in the past, and beyond the booking window', async () => {
    expect(await refusal(book(teacher, { facility_id: 'f1', date: '2026-06-07' }))).toMatchObject({ status: 422, rule: 'R-02' });
    // f1 allows 90 days ahead: 2026-09-06 is the last bookable day.
    expect(await refusal(book(teacher, { facility_id: 'f1', date: '2026-09-07' }))).toMatchObject({ status: 422, rule: 'R-02' });
    await expect(book(teacher, { facility_id: 'f1', date: '2026-09-06', start_slot: 7, end_slot: 7 })).resolves.toMatchObject({
      status: 'confirmed',
    });
  });
  it('R-03 slot conflict is 409 slot_conflict, including overlapping ranges', async () => {
    const f = await makeFacility(db, {});
    await book(teacher, { facility_id: f, start_slot: 2, end_slot: 3 });
    expect(await refusal(book(admin, { facility_id: f, start_slot: 2, end_slot: 3 }))).toMatchObject({
      status: 409,
      code: 'slot_conflict',
      rule: 'R-03',
    });
    expect(await refusal(book(admin, { facility_id: f, start_slot: 3, end_slot: 4 }))).toMatchObject({
      status: 409,
      code: 'slot_conflict',
      rule: 'R-03',
    });
    expect(await refusal(book(admin, { facility_id: f, start_slot: 1, end_slot: 5 }))).toMatchObject({ status: 409, rule: 'R-03' });
    await expect(book(admin, { facility_id: f, start_slot: 4, end_slot: 5 })).resolves.toMatchObject({ status: 'confirmed' });
    expect(Number((await db(T.reservations).where({ facility_id: f }).count('* as n'))[0]!.n)).toBe(2);
  });
  it('R-04 slot range must exist and be ordered', async () => {
    expect(await refusal(book(teacher, { facility_id: 'f1', start_slot: 3, end_slot: 2 }))).toMatchObject({ status: 422, rule: 'R-04' });
    expect(await refusal(book(teacher, { facility_id: 'f1', start_slot: 7, end_slot: 8 }))).toMatchObject({ status: 422, rule: 'R-04' });
  });
  it('R-05 maximum consecutive slots', async () => {
    expect(await refusal(book(teacher, { facility_id: 'f1', date: '2026-06-11', start_slot: 1, end_slot: 4 }))).toMatchObject({
      status: 422,
      rule: 'R-05',
    });
  });
  it('R-06 daily quota per teacher', async () => {
    const f = await makeFacility(db, { 'R-06': { max: 2 } });
    const who = principalOf(await makeAccount(db));
    await book(who, { facility_id: f, start_slot: 1, end_slot: 2 });
    expect(await refusal(book(who, { facility_id: f, start_slot: 4, end_slot: 4 }))).toMatchObject({ status: 422, rule: 'R-06' });
    // Another day is fine; an admin is exempt.
    await expect(book(who, { facility_id: f, date: '2026-06-11', start_slot: 4, end_slot: 4 })).resolves.toBeTruthy();
    await expect(book(admin, { facility_id: f, start_slot: 4, end_slot: 6 })).resolves.toBeTruthy();
  });
  it('R-07 weekly quota per teacher (ISO week)', async () => {
    const f = await makeFacility(db, { 'R-07': { max: 3 } });
    const who = principalOf(await makeAccount(db));
    await book(who, { facility_id: f, date: '2026-06-08', start_slot: 1, end_slot: 2 });
    await book(who, { facility_id: f, date: '2026-06-12', start_slot: 1, end_slot: 1 });
    expect(await refusal(book(who, { facility_id: f, date: '2026-06-14', start_slot: 1, end_slot: 1 }))).toMatchObject({
      status: 422,
      rule: 'R-07',
    });
    await expect(book(who, { facility_id: f, date: '2026-06-15', start_slot: 1, end_slot: 1 })).resolves.toBeTruthy();
  });
  it('R-08 role and department restrictions', async () => {
    expect(await refusal(book(teacher, { facility_id: 'f2' }))).toMatchObject({ status: 422, rule: 'R-08' });
    const pe = principalOf(await makeAccount(db, { department: 'Physical Education' }));
    await expect(book(pe, { facility_id: 'f2' })).resolves.toMatchObject({ status: 'confirmed' });
    expect(await refusal(book(teacher, { facility_id: 'f5' }))).toMatchObject({ status: 422, rule: 'R-08' });
    await expect(book(admin, { facility_id: 'f5' })).resolves.toBeTruthy();
  });
  it('R-09 blackout dates', async () => {
    const f = await makeFacility(db, { 'R-09': { dates: ['2026-06-12'] } });
    const r = await refusal(book(teacher, { facility_id: f, date: '2026-06-12' }));
    expect(r).toMatchObject({ status: 422, code: 'rule_violation', rule: 'R-09' });
    expect(r.message).toContain('2026-06-12');
  });
  it('R-10 capacity', async () => {
    expect(await refusal(book(teacher, { facility_id: 'f1', date: '2026-06-12', attendees: 29 }))).toMatchObject({
      status: 422,
      rule: 'R-10',
    });
    await expect(book(teacher, { facility_id: 'f1', date: '2026-06-12', attendees: 28 })).resolves.toBeTruthy();
  });
  it('R-11 approval: a teacher’s booking is pending until an admin confirms', async () => {
    const r = await book(teacher, { facility_id: 'f3' });
    expect(r.status).toBe('pending');
    expect(r.rules).toMatchObject({ approval_required: true });
    expect(await refusal(db.transaction((trx) => changeReservation(trx, teacher, r.id, { status: 'confirmed' })))).toMatchObject({
      status: 403,
      code: 'forbidden',
    });
    await expect(db.transaction((trx) => changeReservation(trx, admin, r.id, { status: 'confirmed' }))).resolves.toMatchObject({
      status: 'confirmed',
    });
  });
  it('R-12 status transitions; cancelling frees the slots', async () => {
    const f = await makeFacility(db, {});
    const r = await book(teacher, { facility_id: f, start_slot: 3, end_slot: 3 });
    await db.transaction((trx) => changeReservation(trx, teacher, r.id, { status: 'cancelled' }));
    expect(await refusal(db.transaction((trx) => changeReservation(trx, admin, r.id, { status: 'confirmed' })))).toMatchObject({
      status: 422,
      rule: 'R-12',
    });
    await expect(book(admin, { facility_id: f, start_slot: 3, end_slot: 3 })).resolves.toMatchObject({ status: 'confirmed' });
  });
  it('a teacher cannot change someone else’s reservation', async () => {
    const f = await makeFacility(db, {});
    const r = await book(admin, { facility_id: f });
    expect(await refusal(db.transaction((trx) => changeReservation(trx, teacher, r.id, { purpose: 'mine now' })))).toMatchObject({
      status: 403,
    });
  });
  it('unknown facility is 404', async () => {
    expect(await refusal(book(teacher, { facility_id: 'nope' }))).toMatchObject({ status: 404 });
  });
});
