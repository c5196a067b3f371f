/**
 * The RoomLoop wing's wiring (`roomloopWiring`, read by runtime/serve/service-registry.ts) and what tests reach for:
 * - `createRoomloopAuthProvider({ db })`: sessions + sk_live_ keys, roles, per-token rate limits;
 * - `roomloopHandlers`: the catalogue's action handlers;
 * - `createRoomloopKey(db, { role })`: `loopgen admin create-key --service roomloop --role admin`;
 * - `startRoomloopWorkers(db)`: the webhook outbox poller (call `stop()` on shutdown).
 */
import type { Knex } from 'knex';
import type { ServiceWiring } from '../serve/service-wiring.ts';
import { startDeliveryWorker } from './webhooks/delivery-worker.ts';
import { createRoomloopAuthProvider } from './auth/roomloop-auth-provider.ts';
import { createRoomloopKey } from './auth/api-keys.ts';
import { roomloopHandlers } from './handlers/index.ts';

export { createRoomloopAuthProvider } from './auth/roomloop-auth-provider.ts';
export { createRoomloopKey } from './auth/api-keys.ts';
export { roomloopHandlers } from './handlers/index.ts';
export { verify as verifyWebhookSignature, sign as signWebhook } from '../effects/webhooks/signature.ts';
export { SIGNATURE_HEADER } from './webhooks/delivery-worker.ts';
export { deliverDue } from './webhooks/delivery-worker.ts';
export { setClock } from './clock.ts';

export function startRoomloopWorkers(db: Knex, opts: { intervalMs?: number } = {}): { stop(): Promise<void> } {
  if (process.env.ROOMLOOP_WEBHOOK_WORKER === 'off') return { stop: async () => undefined };
  return startDeliveryWorker(db, { intervalMs: opts.intervalMs ?? Number(process.env.ROOMLOOP_WEBHOOK_POLL_MS ?? 2000) });
}

export const roomloopWiring: ServiceWiring = {
  style: 'roomloop',
  auth: ({ db }) => createRoomloopAuthProvider({ db }),
  handlers: roomloopHandlers,
  start: (db) => startRoomloopWorkers(db),
  createKey: async (db, { role }) => (await createRoomloopKey(db, { role })).key,
};
