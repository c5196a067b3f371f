/**
 * Webhooks: registration shows the secret once; a reservation writes its delivery in the same
 * transaction (and a rolled-back one writes none); the worker delivers to a real HTTP receiver
 * whose signature check below is written independently of runtime/effects/webhooks/signature.ts;
 * failures are retried with backoff and every attempt is logged. The secret column holds the secret
 * sealed (runtime/secrets/seal.ts), and a legacy plaintext row still signs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createHmac } from 'node:crypto';
import { openTestDb, type TestDb } from './helpers/test-db.ts';
import { makeAccount, makeFacility, principalOf } from './helpers/fixtures.ts';
import { callHandler } from './helpers/call-handler.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';
import { deliverDue } from '../../runtime/roomloop/webhooks/delivery-worker.ts';
import { T } from '../../runtime/roomloop/tables.ts';

/** Independent receiver-side check: parse `t=…,v1=…`, recompute HMAC-SHA256 over "t.body", 300 s tolerance. */
function receiverAccepts(secret: string, header: string | undefined, body: string, nowSec: number): boolean {
  if (!header) return false;
  const fields = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const ts = parseInt(fields.t ?? '', 10);
  if (!(Math.abs(nowSec - ts) <= 300)) return false;
  return createHmac('sha256', secret).update(`${ts}.${body}`, 'utf8').digest('hex') === fields.v1;
}

let t: TestDb;
let server: Server;
let url: string;
let failNext = 0;
const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  t = await openTestDb('hooks');
  setClock(() => new Date('2026-06-08T09:14:00Z'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = failNext-- > 0 ? 500 : 200;
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

describe('webhooks', () => {
  it('delivers a signed reservation.created event that an independent verifier accepts; retries failures', async () => {
    const admin = principalOf(await makeAccount(t.db, { role: 'admin' }));
    const reg = await callHandler(t.db, 'webhooks.create', { principal: admin, body: { url, events: ['reservation.*'] } });
    const hook = (reg as { body: { id: string; secret: string } }).body;
    expect(hook.secret).toMatch(/^whsec_/);
    // At rest: no row of the column holds the plaintext.
    expect(await t.db(T.webhooks).where('secret', 'like', `%${hook.secret.slice(6)}%`)).toHaveLength(0);
    expect((await t.db(T.webhooks).where({ id: hook.id }).first()).secret).toMatch(/^v1:/);

    const f = await makeFacility(t.db, {});
    // A refused reservation rolls back: no delivery is written.
    await expect(
      callHandler(t.db, 'reservations.create', {
        principal: admin,
        body: { facility_id: f, date: '2026-06-01', start_slot: 1, end_slot: 1, purpose: 'x' },
      }),
    ).rejects.toMatchObject({ rule: 'R-02' });
    expect(await t.db(T.deliveries).where({ webhook_id: hook.id })).toHaveLength(0);

    const created = await callHandler(t.db, 'reservations.create', {
      principal: admin,
      body: { facility_id: f, date: '2026-06-10', start_slot: 1, end_slot: 2, purpose: 'Assembly' },
    });
    const resId = (created as { body: { id: string } }).body.id;
    expect(await t.db(T.deliveries).where({ webhook_id: hook.id })).toHaveLength(1);

    failNext = 1;
    expect(await deliverDue(t.db, { baseDelayMs: 1000 })).toBe(1);
    let d = await t.db(T.deliveries).where({ webhook_id: hook.id }).first();
    expect(d).toMatchObject({ status: 'pending', attempts: 1 });
    // Backoff: not due again until 1 s later.
    expect(await deliverDue(t.db)).toBe(0);
    setClock(() => new Date('2026-06-08T09:14:02Z'));
    expect(await deliverDue(t.db)).toBe(1);
    d = await t.db(T.deliveries).where({ webhook_id: hook.id }).first();
    expect(d).toMatchObject({ status: 'delivered', attempts: 2 });
    const attempts = await t.db(T.attempts).where({ delivery_id: d.id }).orderBy('attempt');
    expect(attempts.map((a) => [a.attempt, a.response_code])).toEqual([
      [1, 500],
      [2, 200],
    ]);

    const last = received[received.length - 1]!;
    const nowSec = Date.UTC(2026, 5, 8, 9, 14, 2) / 1000;
    expect(receiverAccepts(hook.secret, last.headers['roomloop-signature'] as string, last.body, nowSec)).toBe(true);
    expect(
      receiverAccepts(hook.secret, last.headers['roomloop-signature'] as string, last.body.replace('Assembly', 'Tampered'), nowSec),
    ).toBe(false);
    expect(receiverAccepts('whsec_wrong', last.headers['roomloop-signature'] as string, last.body, nowSec)).toBe(false);
    expect(receiverAccepts(hook.secret, last.headers['roomloop-signature'] as string, last.body, nowSec + 301)).toBe(false);
    expect(JSON.parse(last.body)).toMatchObject({ type: 'reservation.created', data: { id: resId, facility: { id: f } } });
    // Both attempts carried the same bytes.
    expect(received[received.length - 2]!.body).toBe(last.body);
  });

  it('account events go only to webhooks subscribed to them', async () => {
    const admin = principalOf(await makeAccount(t.db, { role: 'admin' }));
    const acc = await callHandler(t.db, 'webhooks.create', { principal: admin, body: { url, events: ['account.*'] } });
    const hookId = (acc as { body: { id: string } }).body.id;
    await callHandler(t.db, 'accounts.create', { principal: admin, body: { email: 'hooked@school.test', name: 'Hooked' } });
    const rows = await t.db(T.deliveries).where({ event_type: 'account.created' }).select('webhook_id');
    expect(rows.map((r) => r.webhook_id)).toEqual([hookId]);
  });

  it('a legacy plaintext secret (from before sealing) still signs deliveries', async () => {
    const admin = principalOf(await makeAccount(t.db, { role: 'admin' }));
    const reg = await callHandler(t.db, 'webhooks.create', { principal: admin, body: { url, events: ['account.created'] } });
    const hookId = (reg as { body: { id: string } }).body.id;
    const legacy = 'whsec_legacy_plaintext_secret';
    await t.db(T.webhooks).where({ id: hookId }).update({ secret: legacy });
    await callHandler(t.db, 'accounts.create', { principal: admin, body: { email: 'legacy@school.test', name: 'Legacy' } });
    received.length = 0;
    await deliverDue(t.db);
    const delivery = await t.db(T.deliveries).where({ webhook_id: hookId }).first();
    expect(delivery).toMatchObject({ status: 'delivered' });
    const hit = received.find((r) => r.headers['roomloop-delivery'] === delivery.id);
    expect(
      receiverAccepts(legacy, hit?.headers['roomloop-signature'] as string, hit?.body ?? '', Date.UTC(2026, 5, 8, 9, 14, 2) / 1000),
    ).toBe(true);
    await t.db(T.webhooks).where({ id: hookId }).update({ active: false });
  });
});
