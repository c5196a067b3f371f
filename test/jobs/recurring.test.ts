/**
 * Recurring drains on the job engine (runtime/jobs/recurring.ts): rounds keep coming, and two engines
 * on one database (two pools: two processes as far as PostgreSQL can tell; one engine on PGlite)
 * never run a round at the same time.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Knex } from 'knex';
import { closeDatabase, openDatabase } from '../../runtime/db/open-database.ts';
import { startRecurring } from '../../runtime/jobs/recurring.ts';
import { openTestDatabase } from '../helpers/test-service.ts';

let db: Knex;
let other: Knex | undefined;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ db, drop } = await openTestDatabase('roomloop'));
  if (process.env.DATABASE_URL) {
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${(db.client as { config: { connection: { database: string } } }).config.connection.database}`;
    other = await openDatabase({ service: 'roomloop', url: u.toString() });
  }
}, 60_000);
afterAll(async () => {
  if (other) await closeDatabase(other);
  await drop?.();
});

it('runs rounds one at a time across engines', async () => {
  let active = 0;
  let overlap = 0;
  let rounds = 0;
  const round = async () => {
    active++;
    if (active > 1) overlap++;
    await new Promise((r) => setTimeout(r, 150));
    rounds++;
    active--;
  };
  const jobs = [db, ...(other ? [other] : [])].map((h) => startRecurring(h, { queue: 'test.drain', everySeconds: 0.5, round }));
  await Promise.all(jobs.map((j) => j.ready));
  const end = Date.now() + 30_000;
  while (rounds < 4 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
  await Promise.all(jobs.map((j) => j.stop()));
  expect(rounds).toBeGreaterThanOrEqual(4);
  expect(overlap).toBe(0);
}, 60_000);
