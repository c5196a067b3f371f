/**
 * Realtime in one process (PGlite by default, PostgreSQL with DATABASE_URL): GET /events/stream and
 * GET /v1/realtime deliver the tenant's domain events (object created through the API), filtered by
 * the subscription, never another tenant's; Last-Event-ID replays missed events from the log; 426 on
 * a plain GET; refused upgrades answer in JSON; stats count this process's connections; closing the
 * service ends the streams. The two-process fan-out is in cross-process.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestService, type TestService } from '../../helpers/test-service.ts';
import { adminKey, client } from '../helpers.ts';
import { openSse, openWs, wsUrl, type Received } from './realtime-clients.ts';
import { createPlatformKey } from '../../../runtime/platform/index.ts';
import { tenantPublicId } from '../../../runtime/platform/tenants/public-id.ts';
import { appendEvent } from '../../../runtime/platform/events/event-log.ts';

let svc: TestService;
let keyA: string;
let keyB: string;
let tenantA: string;
let call: ReturnType<typeof client>;
let callB: ReturnType<typeof client>;
let typeId: string;
let otherTypeId: string;
let closed = false;

const isObject = (id: string) => (r: Received) => r.data?.data?.id === id || r.data?.event?.data?.id === id;

async function createObject(c = call, type = typeId, name = 'x'): Promise<string> {
  const r = await c('POST', `objects/${type}`, { properties: { name } });
  expect(r.status).toBe(201);
  return r.body.data.id;
}

beforeAll(async () => {
  svc = await startTestService('platform');
  const a = await createPlatformKey(svc.db, { tenant: 'rt-a' });
  keyA = a.key;
  tenantA = tenantPublicId(a.tenantId);
  keyB = await adminKey(svc, 'rt-b');
  call = client(svc, keyA);
  callB = client(svc, keyB);
  for (const [c, name] of [
    [call, 'leads'],
    [call, 'tickets'],
    [callB, 'leads'],
  ] as const) {
    const t = await c('POST', 'object-types', { name });
    expect(t.status).toBe(201);
    expect((await c('POST', `object-types/${t.body.data.id}/properties`, { name: 'name', data_type: 'string' })).status).toBe(201);
    if (c === call && name === 'leads') typeId = t.body.data.id;
    else if (c === call) otherTypeId = t.body.data.id;
  }
}, 120_000);

afterAll(async () => {
  if (!closed) await svc?.close();
});

describe('GET /v1/realtime', () => {
  it('answers 426 to a plain GET, with Upgrade: websocket', async () => {
    const res = await fetch(`${svc.url}/v1/realtime?token=x&tenant_id=y`);
    expect(res.status).toBe(426);
    expect(res.headers.get('upgrade')).toBe('websocket');
    expect((await res.json()).success).toBe(false);
    expect((await fetch(`${svc.url}/v1/realtime`)).status).toBe(426);
  });

  it('refuses an upgrade with a bad token (401) or another tenant_id (403) in plain JSON', async () => {
    const bad = await openWs(wsUrl(svc.url, { token: 'pk_live_nope', tenant_id: tenantA })).catch((e) => e);
    expect(bad.status).toBe(401);
    expect(JSON.parse(bad.body).success).toBe(false);
    const other = await openWs(wsUrl(svc.url, { token: keyA, tenant_id: tenantPublicId(999999) })).catch((e) => e);
    expect(other.status).toBe(403);
    const noToken = await openWs(wsUrl(svc.url, { tenant_id: tenantA })).catch((e) => e);
    expect(noToken.status).toBe(401);
  });
});

describe('delivery', () => {
  it('an event appended in a committed transaction reaches the stream; a rolled-back one never does', async () => {
    const sse = await openSse(`${svc.url}/events/stream`, keyA);
    await sse.waitFor((r) => r.event === 'ready');
    const tenant = (await svc.db('pf_tenants').where({ slug: 'rt-a' }).first('id')).id as number;
    await svc.db
      .transaction(async (trx) => {
        await appendEvent(trx, tenant, 'custom', { id: 'rolled-back' });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await svc.db.transaction((trx) => appendEvent(trx, tenant, 'custom', { id: 'committed' }));
    await sse.waitFor(isObject('committed'));
    expect(sse.received.some(isObject('rolled-back'))).toBe(false);
    sse.close();
  });

  it("SSE and WebSocket clients get the tenant's new object; another tenant's client gets nothing", async () => {
    const sse = await openSse(`${svc.url}/events/stream`, keyA);
    expect(sse.status).toBe(200);
    await sse.waitFor((r) => r.event === 'ready');
    const ws = await openWs(wsUrl(svc.url, { token: keyA, tenant_id: tenantA }));
    await ws.waitFor((r) => r.event === 'connected');
    const sseB = await openSse(`${svc.url}/events/stream`, keyB);
    await sseB.waitFor((r) => r.event === 'ready');
    const wsB = await openWs(wsUrl(svc.url, { token: keyB }));
    await wsB.waitFor((r) => r.event === 'connected');

    const t0 = performance.now();
    const id = await createObject();
    const s = await sse.waitFor(isObject(id));
    const w = await ws.waitFor(isObject(id));
    console.log(`delay write→SSE ${(s.at - t0).toFixed(1)} ms, write→WebSocket ${(w.at - t0).toFixed(1)} ms (single process)`);
    expect(s).toMatchObject({
      event: 'object.created',
      data: { type: 'object.created', tenant_id: tenantA, channel: `objects:${typeId}` },
    });
    expect(Number(s.id)).toBe(s.data.seq);
    expect(w.data).toMatchObject({ type: 'event', channel: `objects:${typeId}`, event: { type: 'object.created', tenant_id: tenantA } });

    // Tenant B's clients are live (they get B's own object) and never saw A's.
    const idB = await createObject(callB, (await callB('GET', 'object-types')).body.data[0].id);
    await sseB.waitFor(isObject(idB));
    await wsB.waitFor(isObject(idB));
    expect(sseB.received.filter((r) => r.event !== 'ready').map((r) => r.data.data.id)).toEqual([idB]);
    expect(wsB.received.filter((r) => r.event === 'event').map((r) => r.data.event.data.id)).toEqual([idB]);
    expect(sse.received.some(isObject(idB))).toBe(false);

    for (const c of [sse, sseB, ws, wsB]) c.close();
  });

  it('filters by channel and type; a WebSocket changes its channels with subscribe/unsubscribe', async () => {
    const tickets = await openSse(`${svc.url}/events/stream?channel=objects:${otherTypeId}`, keyA);
    const filesOnly = await openSse(`${svc.url}/events/stream?types=file.uploaded`, keyA);
    const updates = await openSse(`${svc.url}/events/stream?types=object.updated&object_type=${typeId}`, keyA);
    const ws = await openWs(wsUrl(svc.url, { token: keyA, tenant_id: tenantA }));
    await ws.waitFor((r) => r.event === 'connected');
    ws.send({ type: 'subscribe', channel: `objects:${otherTypeId}` });
    await ws.waitFor((r) => r.event === 'subscribed');
    for (const c of [tickets, filesOnly, updates]) await c.waitFor((r) => r.event === 'ready');

    const lead = await createObject();
    const ticket = await createObject(call, otherTypeId);
    expect((await call('PATCH', `objects/${typeId}/${lead}`, { properties: { name: 'y' } })).status).toBe(200);
    await tickets.waitFor(isObject(ticket));
    await ws.waitFor(isObject(ticket));
    const upd = await updates.waitFor(isObject(lead));
    expect(upd.event).toBe('object.updated');
    // The lead's create came before the ticket's on the same log: had it matched, it would be here.
    expect(tickets.received.some(isObject(lead))).toBe(false);
    expect(ws.received.some(isObject(lead))).toBe(false);
    expect(updates.received.filter((r) => r.event === 'object.created')).toEqual([]);
    expect(filesOnly.received.filter((r) => r.event !== 'ready')).toEqual([]);

    ws.send({ type: 'unsubscribe', channel: `objects:${otherTypeId}` });
    ws.send({ type: 'subscribe', channel: `objects:${typeId}` });
    await ws.waitFor((r) => r.event === 'subscribed' && r.data.channels.includes(`objects:${typeId}`));
    const lead2 = await createObject();
    await ws.waitFor(isObject(lead2));
    ws.send({ type: 'ping' });
    await ws.waitFor((r) => r.event === 'pong');
    ws.send('not json');
    await ws.waitFor((r) => r.event === 'error' && r.data.code === 'bad_message');
    const bad = await fetch(`${svc.url}/events/stream?types=nope.happened`, { headers: { authorization: `Bearer ${keyA}` } });
    expect(bad.status).toBe(400);
    for (const c of [tickets, filesOnly, updates, ws]) c.close();
  });

  it('Last-Event-ID replays what was missed; ?last_event_id= does the same on the WebSocket', async () => {
    const sse = await openSse(`${svc.url}/events/stream`, keyA);
    await sse.waitFor((r) => r.event === 'ready');
    const first = await createObject();
    const got = await sse.waitFor(isObject(first));
    sse.close();
    const missed = [await createObject(), await createObject()];
    const back = await openSse(`${svc.url}/events/stream`, keyA, { 'Last-Event-ID': got.id! });
    expect(back.status).toBe(200);
    for (const id of missed) await back.waitFor(isObject(id));
    expect(back.received.some(isObject(first))).toBe(false);
    const ids = back.received.filter((r) => r.event !== 'ready').map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    back.close();

    const ws = await openWs(wsUrl(svc.url, { token: keyA, tenant_id: tenantA, last_event_id: got.data.id }));
    for (const id of missed) await ws.waitFor(isObject(id));
    ws.close();
    const unknown = await fetch(`${svc.url}/events/stream`, {
      headers: { authorization: `Bearer ${keyA}`, 'Last-Event-ID': 'evt_unknown' },
    });
    expect(unknown.status).toBe(400);
  });

  it('stats count this process’s SSE and WebSocket connections of the tenant', async () => {
    const sse = await openSse(`${svc.url}/events/stream?channel=files`, keyA);
    await sse.waitFor((r) => r.event === 'ready');
    const ws = await openWs(wsUrl(svc.url, { token: keyA, channels: 'files' }));
    await ws.waitFor((r) => r.event === 'connected');
    const stats = (await call('GET', 'realtime/stats')).body.data;
    expect(stats).toMatchObject({ total_connections: 2, channels: [{ channel: 'files', connections: 2 }], scope: 'process' });
    expect(stats.transports).toEqual({ sse: 1, websocket: 1 });
    expect((await callB('GET', 'realtime/stats')).body.data.total_connections).toBe(0);
    sse.close();
    ws.close();
    await expect.poll(async () => (await call('GET', 'realtime/stats')).body.data.total_connections).toBe(0);
  });

  it.runIf(process.env.DATABASE_URL)(
    'an event committed after a later seq was delivered still arrives (commit order ≠ seq order)',
    async () => {
      const sse = await openSse(`${svc.url}/events/stream`, keyA);
      await sse.waitFor((r) => r.event === 'ready');
      const tenant = (await svc.db('pf_tenants').where({ slug: 'rt-a' }).first('id')).id as number;
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let appended!: () => void;
      const inserted = new Promise<void>((r) => (appended = r));
      // The first transaction takes the lower seq and stays open while a second one commits a higher seq.
      const slow = svc.db.transaction(async (trx) => {
        await appendEvent(trx, tenant, 'custom', { id: 'early-seq-late-commit' });
        appended();
        await held;
      });
      await inserted;
      await svc.db.transaction((trx) => appendEvent(trx, tenant, 'custom', { id: 'late-seq-early-commit' }));
      await sse.waitFor(isObject('late-seq-early-commit'));
      release();
      await slow;
      const early = await sse.waitFor(isObject('early-seq-late-commit'));
      const late = sse.received.find(isObject('late-seq-early-commit'))!;
      expect(Number(early.id)).toBeLessThan(Number(late.id));
      sse.close();
    },
  );

  it.runIf(process.env.DATABASE_URL)('keeps delivering after its LISTEN connection is killed', async () => {
    const sse = await openSse(`${svc.url}/events/stream`, keyA);
    await sse.waitFor((r) => r.event === 'ready');
    const admin = new pg.Client((svc.db.client as { config: { connection: pg.ClientConfig } }).config.connection);
    await admin.connect();
    try {
      const killed = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'loopgen_listener' and datname = current_database()`,
      );
      expect(killed.rowCount).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    // Written while the listener may still be down: the reconnect's catch-up read delivers it.
    const id = await createObject();
    await sse.waitFor(isObject(id), 15_000);
    sse.close();
  });

  it('closing the service ends open streams and sockets', async () => {
    const sse = await openSse(`${svc.url}/events/stream`, keyA);
    await sse.waitFor((r) => r.event === 'ready');
    const ws = await openWs(wsUrl(svc.url, { token: keyA }));
    const wsClosed = new Promise<number>((r) => ws.ws.once('close', (code) => r(code)));
    closed = true;
    await svc.close();
    await sse.ended;
    expect(sse.received.at(-1)?.event).toBe('close');
    expect(await wsClosed).toBe(1001);
  });
});
