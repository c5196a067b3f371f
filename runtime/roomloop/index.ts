/**
 * RoomLoop's service wiring, for runtime/serve/service-registry.ts and the CLI:
 * - `createRoomloopAuthProvider({ db })`: sessions + sk_live_ keys, roles, per-token rate limits;
 * - `roomloopHandlers`: the catalogue's action handlers;
 * - `createRoomloopKey(db, { role })`: `loopgen admin create-key --service roomloop --role admin`;
 * - `startRoomloopWorkers(db)`: the webhook outbox poller (call `stop()` on shutdown).
 */
import type { Knex } from 'knex';
import { startDeliveryWorker } from './webhooks/delivery-worker.ts';

export { createRoomloopAuthProvider } from './auth/roomloop-auth-provider.ts';
export { createRoomloopKey } from './auth/api-keys.ts';
export { roomloopHandlers } from './handlers/index.ts';
export { verify as verifyWebhookSignature, sign as signWebhook, SIGNATURE_HEADER } from './webhooks/signature.ts';
export { deliverDue } from './webhooks/delivery-worker.ts';
export { setClock } from './clock.ts';

export function startRoomloopWorkers(db: Knex, opts: { intervalMs?: number } = {}): { stop(): Promise<void> } {
  if (process.env.ROOMLOOP_WEBHOOK_WORKER === 'off') return { stop: async () => undefined };
  return startDeliveryWorker(db, { intervalMs: opts.intervalMs ?? Number(process.env.ROOMLOOP_WEBHOOK_POLL_MS ?? 2000) });
}
