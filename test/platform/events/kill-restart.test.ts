/**
 * A process killed between commit and delivery loses no event. `loopgen serve --service platform`
 * creates an object while the webhook receiver is down (503); the process is SIGKILLed before any
 * delivery succeeded; a new process on the same database delivers the event once the receiver is up —
 * once, signed. On the test's PostgreSQL database (with DATABASE_URL) and on embedded PGlite in a data
 * directory (the restarted process takes over the crashed one's lock; the jobs are in its files).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../../runtime/effects/webhooks/signature.ts';
import { createPlatformKey } from '../../../runtime/platform/index.ts';
import { embeddedDataDir, openTestDatabase } from '../../helpers/test-service.ts';
import { embeddedEnv, runLoopgen, serveProcess, type Serving } from '../../serve/serve-process.ts';

const url = process.env.DATABASE_URL;

for (const mode of ['postgres', 'pglite'] as const)
  describe.runIf(mode === 'pglite' || url)(`kill between commit and delivery (${mode})`, () => {
    let db: Knex | undefined;
    let drop: (() => Promise<void>) | undefined;
    let dbUrl: string;
    let key: string;
    let dataDir: string;
    let receiver: Server;
    let receiverUrl: string;
    let up = false;
    const hits: { id: string; objectId: string; status: number; signature: string; body: string }[] = [];
    const running: Serving[] = [];

    beforeAll(async () => {
      dataDir = await mkdtemp(join(tmpdir(), 'loopgen-kill-'));
      // Embedded: start from a migrated cluster (this test is about delivery, not the first migration).
      if (mode === 'pglite') await embeddedDataDir('platform', dataDir);
      if (mode === 'postgres') {
        ({ db, drop } = await openTestDatabase('platform'));
        const u = new URL(url!);
        u.pathname = `/${(db.client as { config: { connection: { database: string } } }).config.connection.database}`;
        dbUrl = u.toString();
        key = (await createPlatformKey(db, { tenant: 'kill' })).key;
      }
      receiver = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          const status = up ? 200 : 503;
          const env = JSON.parse(body) as { id: string; data: { id: string } };
          hits.push({ id: env.id, objectId: env.data.id, status, signature: String(req.headers['platform-signature']), body });
          res.statusCode = status;
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    }, 120_000);

    afterAll(async () => {
      await Promise.all(running.map((s) => s.stop()));
      await new Promise((r) => receiver?.close(r));
      await drop?.();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    }, 60_000);

    const env = (): NodeJS.ProcessEnv => {
      const extra = { LOG_LEVEL: 'warn', WEBHOOK_RETRY_DELAY_SECONDS: '1' };
      if (mode === 'pglite') return embeddedEnv(extra);
      const e: NodeJS.ProcessEnv = { ...process.env, ...extra, DATABASE_URL: dbUrl };
      delete e.PORT;
      return e;
    };
    const serve = async () => {
      const s = await serveProcess(['--service', 'platform', '--port', '0', '--data-dir', dataDir], env());
      running.push(s);
      return s;
    };

    async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000) {
      const end = Date.now() + timeoutMs;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }

    it('the event of a write committed by a killed process is delivered after restart, once', async () => {
      const a = await serve();
      if (mode === 'pglite') {
        // The data directory is the running server's: the CLI asks it for the key.
        const made = await runLoopgen(['admin', 'create-key', '--service', 'platform', '--role', 'admin', '--data-dir', dataDir], env());
        key = /\b(pk_\S+)/.exec(made.stdout)?.[1] ?? '';
        expect(key, made.stdout + made.stderr).not.toBe('');
      }
      const call = async (base: string, method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}/v1/${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: await res.json() };
      };
      const hook = (await call(a.url, 'POST', 'webhooks', { url: receiverUrl, events: ['object.created'] })).body.data;
      const type = (await call(a.url, 'POST', 'object-types', { name: 'tickets' })).body.data;
      await call(a.url, 'POST', `object-types/${type.id}/properties`, { name: 'title', data_type: 'string' });
      const obj = await call(a.url, 'POST', `objects/${type.id}`, { properties: { title: 'printer on fire' } });
      expect(obj.status).toBe(201);

      // The receiver is down: the first attempt fails (503) and the engine schedules a retry; then the
      // process dies without a chance to finish anything (SIGKILL: no drain, no shutdown hooks).
      await until('the first attempt', () => hits.some((h) => h.objectId === obj.body.data.id));
      const event = { id: hits.find((h) => h.objectId === obj.body.data.id)!.id };
      await new Promise((r) => setTimeout(r, 300));
      a.child.kill('SIGKILL');
      await new Promise((r) => a.child.once('exit', r));
      running.splice(running.indexOf(a), 1);
      expect(hits.filter((h) => h.id === event.id && h.status === 200)).toHaveLength(0);

      up = true;
      const b = await serve();
      await until('delivery after restart', () => hits.some((h) => h.id === event.id && h.status === 200));
      const deliveredRows = async () =>
        (await call(b.url, 'GET', `webhook-deliveries?webhook_id=${hook.id}&status=delivered`)).body.data.deliveries as Record<
          string,
          unknown
        >[];
      await until('the row delivered', async () => (await deliveredRows()).length === 1);
      await new Promise((r) => setTimeout(r, 1000));
      const ok = hits.filter((h) => h.id === event.id && h.status === 200);
      expect(ok).toHaveLength(1);
      expect(verify(hook.secret, ok[0]!.signature, ok[0]!.body, Math.floor(Date.now() / 1000))).toBe(true);
      expect(await deliveredRows()).toEqual([expect.objectContaining({ status: 'delivered', event: 'object.created' })]);
    }, 240_000);
  });
