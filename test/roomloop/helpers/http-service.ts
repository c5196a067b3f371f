/**
 * RoomLoop served over HTTP for a test file: the generated server (runtime/serve/start-service.ts) on a database of its own
 * (test/helpers/test-service.ts), the clock pinned to the morning of the example in docs/api/roomloop-api.txt, an admin key, and a JSON fetch helper.
 */
import { join } from 'node:path';
import { startService, type StartedService } from '../../../runtime/serve/start-service.ts';
import { createRoomloopKey } from '../../../runtime/roomloop/auth/api-keys.ts';
import { setClock } from '../../../runtime/roomloop/clock.ts';
import { openTestDatabase } from '../../helpers/test-service.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface RoomloopHttp {
  readonly svc: StartedService;
  readonly adminKey: string;
  /** JSON request; `raw` sends that text as the JSON body instead of `body`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of every shape
  api(
    method: string,
    path: string,
    key: string | null,
    body?: unknown,
    raw?: string,
  ): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export async function startRoomloopHttp(): Promise<RoomloopHttp> {
  process.env.ROOMLOOP_WEBHOOK_WORKER = 'off';
  // A copy of the migrated, seeded RoomLoop template (what `serve` makes of an empty database, made once).
  const { db, drop } = await openTestDatabase('roomloop');
  const svc = await startService({ root: ROOT, service: 'roomloop', dataDir: ':memory:', db });
  setClock(() => new Date('2026-06-08T09:14:00Z'));
  const adminKey = (await createRoomloopKey(svc.db, { role: 'admin' })).key;
  return {
    svc,
    adminKey,
    async api(method, path, key, body, raw) {
      const json = raw ?? (body !== undefined ? JSON.stringify(body) : undefined);
      const res = await fetch(`${svc.url}/v1/${path}`, {
        method,
        headers: {
          ...(key ? { Authorization: `Bearer ${key}` } : {}),
          ...(json !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: json,
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    },
    async close() {
      setClock(null);
      await svc.close();
      await drop();
    },
  };
}
