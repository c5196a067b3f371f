/**
 * RoomLoop's webhook outbox on the job engine: `startRoomloopWorkers` (the wiring's start hook) runs
 * delivery rounds as pg-boss jobs (runtime/jobs/recurring.ts); a reservation's delivery reaches a
 * real receiver on 127.0.0.1 without anyone calling deliverDue, and stopping the workers drains.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { openTestDb, type TestDb } from '../roomloop/helpers/test-db.ts';
import { makeAccount, makeFacility, principalOf } from '../roomloop/helpers/fixtures.ts';
import { callHandler } from '../roomloop/helpers/call-handler.ts';
import { startRoomloopWorkers } from '../../runtime/roomloop/index.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';

let t: TestDb;
let server: Server;
let url: string;
const received: string[] = [];

beforeAll(async () => {
  t = await openTestDb('jobs');
  // The booking rules read RoomLoop's clock (a Monday morning, two days before the booking).
  setClock(() => new Date('2026-06-08T09:14:00Z'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/hooks`;
});
afterAll(async () => {
  setClock(null);
  await new Promise((r) => server.close(r));
  await t?.close();
});

it('delivers queued webhooks from engine-run rounds', async () => {
  const admin = principalOf(await makeAccount(t.db, { role: 'admin' }));
  const hook = (
    (await callHandler(t.db, 'webhooks.create', { principal: admin, body: { url, events: ['reservation.*'] } })) as { body: { id: string } }
  ).body;
  const f = await makeFacility(t.db, {});
  const workers = startRoomloopWorkers(t.db, { intervalMs: 500 });
  try {
    await callHandler(t.db, 'reservations.create', {
      principal: admin,
      body: { facility_id: f, date: '2026-06-10', start_slot: 1, end_slot: 2, purpose: 'Assembly' },
    });
    const end = Date.now() + 30_000;
    while (Date.now() < end) {
      const d = await t.db(T.deliveries).where({ webhook_id: hook.id }).first('status');
      if (d?.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await t.db(T.deliveries).where({ webhook_id: hook.id }).first()).status).toBe('delivered');
    expect(received).toHaveLength(1);
    expect(JSON.parse(received[0]!).type ?? JSON.parse(received[0]!).event).toMatch(/^reservation\./);
  } finally {
    await workers.stop();
  }
}, 60_000);
