/**
 * The domain event log (runtime/platform/events/event-log.ts): an event appended in a transaction
 * exists exactly when that transaction commits, its NOTIFY reaches listeners only on commit, and
 * readers page by `seq` per tenant.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTestDatabase } from '../../helpers/test-service.ts';
import type { Knex } from 'knex';
import pg from 'pg';
import { appendEvent, readEventsAfter, toEnvelope } from '../../../runtime/platform/events/event-log.ts';

let db: Knex;
let drop: () => Promise<void>;

beforeAll(async () => {
  ({ db, drop } = await openTestDatabase('platform'));
}, 60_000);
afterAll(async () => drop?.());

it('appends in the caller transaction: committed events are read in seq order, per tenant', async () => {
  const a = await db.transaction((trx) => appendEvent(trx, 101, 'object.created', { id: 'obj_1' }));
  const b = await db.transaction((trx) => appendEvent(trx, 101, 'object.updated', { id: 'obj_1', n: 2 }));
  await db.transaction((trx) => appendEvent(trx, 102, 'object.created', { id: 'obj_other' }));
  expect(a.id).toMatch(/^evt_/);
  expect(b.seq).toBeGreaterThan(a.seq);
  const events = await readEventsAfter(db, 101, 0);
  expect(events.map((e) => [e.seq, e.type, e.tenant])).toEqual([
    [a.seq, 'object.created', 101],
    [b.seq, 'object.updated', 101],
  ]);
  expect(events[1]!.data).toEqual({ id: 'obj_1', n: 2 });
  expect(await readEventsAfter(db, 101, a.seq)).toHaveLength(1);
  const env = toEnvelope(events[0]!);
  expect(env).toEqual({
    id: a.id,
    type: 'object.created',
    tenant_id: expect.stringMatching(/^tn_/),
    created_at: events[0]!.created_at,
    data: { id: 'obj_1' },
  });
  expect(Number.isNaN(Date.parse(env.created_at))).toBe(false);
});

it('a rolled-back transaction leaves no event', async () => {
  const before = (await readEventsAfter(db, 103, 0)).length;
  await expect(
    db.transaction(async (trx) => {
      await appendEvent(trx, 103, 'object.created', { id: 'obj_x' });
      throw new Error('abort');
    }),
  ).rejects.toThrow('abort');
  expect((await readEventsAfter(db, 103, 0)).length).toBe(before);
  await db.transaction((trx) => appendEvent(trx, 103, 'object.created', { id: 'obj_y' }));
  expect((await readEventsAfter(db, 103, 0)).map((e) => (e.data as { id: string }).id)).toEqual(['obj_y']);
});

it.runIf(process.env.DATABASE_URL)('NOTIFY loopgen_events reaches listeners for committed appends only', async () => {
  const connection = (db.client as { config: { connection: pg.ClientConfig } }).config.connection;
  const listener = new pg.Client(connection);
  await listener.connect();
  const got: { company_id: number; seq: number }[] = [];
  listener.on('notification', (n) => got.push(JSON.parse(n.payload ?? '{}')));
  await listener.query('LISTEN loopgen_events');
  try {
    await db
      .transaction(async (trx) => {
        await appendEvent(trx, 104, 'object.created', { id: 'gone' });
        throw new Error('abort');
      })
      .catch(() => undefined);
    const kept = await db.transaction((trx) => appendEvent(trx, 104, 'object.created', { id: 'kept' }));
    const end = Date.now() + 5000;
    while (got.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual([{ company_id: 104, seq: kept.seq }]);
  } finally {
    await listener.end();
  }
});
