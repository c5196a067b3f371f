/**
 * Reservation throughput: on real PostgreSQL (DATABASE_URL; PGlite otherwise, where there
 * is no real concurrency and the contention figure means little) prints, in one run:
 *  - a plain INSERT of a reservation row (its own transaction) — the baseline;
 *  - a full reservation (rules engine, conflict check, reservation + slot rows, outbox) and its ratio;
 *  - reservations/s under contention: many concurrent clients racing for the same slots.
 * Run: `npx tsx test/bench/reservations.bench.ts` or `npm run bench reservations`. No assertions.
 */
import { performance } from 'node:perf_hooks';
import { openTestDb, usingPostgres } from '../roomloop/helpers/test-db.ts';
import { makeAccount, makeFacility, principalOf, actorOf } from '../roomloop/helpers/fixtures.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';
import { createReservation } from '../../runtime/roomloop/reservations/create-reservation.ts';
import { fromDay, toDay } from '../../runtime/roomloop/rules/dates.ts';
import { newId } from '../../runtime/security/random-ids.ts';
import { T } from '../../runtime/roomloop/tables.ts';

const N = Number(process.env.BENCH_N ?? 300);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const CONTENDERS_PER_SLOT = 8;

const t = await openTestDb('bench');
const db = t.db;
setClock(() => new Date('2026-01-01T08:00:00Z'));
try {
  const f = await makeFacility(db, { 'R-02': { max_days_ahead: 100_000 } });
  const teacher = actorOf(principalOf(await makeAccount(db, { role: 'admin' })));
  const day0 = toDay('2026-01-02');
  // Slot k of the sequence: 6 slots a day, one day after another, so nothing conflicts.
  const at = (k: number) => ({ date: fromDay(day0 + Math.floor(k / 6)), slot: (k % 6) + 1 });

  // Warm up connections and plans.
  for (let i = 0; i < 20; i++) {
    await db(T.reservations).insert({
      id: newId('res'),
      facility_id: f,
      user_id: teacher.userId,
      date: '2025-01-01',
      start_slot: 1,
      end_slot: 1,
      purpose: 'warm',
      status: 'confirmed',
      rules: '{}',
    });
  }

  let t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const { date, slot } = at(i);
    await db(T.reservations).insert({
      id: newId('res'),
      facility_id: f,
      user_id: teacher.userId,
      date: fromDay(toDay(date) - 5000),
      start_slot: slot,
      end_slot: slot,
      purpose: 'plain insert',
      status: 'confirmed',
      rules: '{}',
    });
  }
  const plainMs = (performance.now() - t0) / N;

  t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const { date, slot } = at(i);
    await db.transaction((trx) =>
      createReservation(trx, teacher, { facility_id: f, date, start_slot: slot, end_slot: slot, purpose: 'bench' }),
    );
  }
  const reservationMs = (performance.now() - t0) / N;

  // Contention: N attempts, CONTENDERS_PER_SLOT of them per slot, fired by CLIENTS concurrent workers.
  const slots = Math.ceil(N / CONTENDERS_PER_SLOT);
  const attempts = Array.from({ length: slots * CONTENDERS_PER_SLOT }, (_, i) => at(N + (i % slots)));
  let next = 0;
  let won = 0;
  let conflicts = 0;
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < attempts.length; i = next++) {
        const { date, slot } = attempts[i]!;
        try {
          await db.transaction((trx) =>
            createReservation(trx, teacher, { facility_id: f, date, start_slot: slot, end_slot: slot, purpose: 'race' }),
          );
          won++;
        } catch (e) {
          if ((e as { code?: string }).code === 'slot_conflict') conflicts++;
          else throw e;
        }
      }
    }),
  );
  const contSec = (performance.now() - t0) / 1000;

  console.log(`database: ${usingPostgres ? 'PostgreSQL (DATABASE_URL)' : 'PGlite (set DATABASE_URL for real contention)'}`);
  console.log(`plain insert of a reservation row:      ${plainMs.toFixed(3)} ms`);
  console.log(`full reservation (rules + guard + outbox): ${reservationMs.toFixed(3)} ms`);
  console.log(`ratio reservation / plain insert:       ${(reservationMs / plainMs).toFixed(2)}×`);
  console.log(`contention: ${attempts.length} attempts on ${slots} slots by ${CLIENTS} clients in ${contSec.toFixed(2)} s`);
  console.log(
    `  ${(attempts.length / contSec).toFixed(0)} attempts/s, ${(won / contSec).toFixed(0)} reservations/s; ${won} booked, ${conflicts} × 409 slot_conflict` +
      (won === slots ? ' (exactly one per slot)' : ` (EXPECTED ${slots} — double booking or lost booking!)`),
  );
} finally {
  setClock(null);
  await t.close();
}
