/**
 * The platform wing's wiring (`platformWiring`, read by runtime/serve/service-registry.ts) and its parts:
 * - `createPlatformAuthProvider({ db, jwtSecret })`: scoped pk_live_ keys and end-user JWTs;
 * - `platformHandlers`: the catalogue's handlers;
 * - `createPlatformKey(db, { tenant, scopes })`: the operator's first key (`loopgen admin create-key --service platform`);
 * - `mountPlatformRootRoutes(app, runtime, openapi)`: /, /docs, /docs/openapi.json, /ready, /events/*, /webhooks/stripe;
 * - `platformJwtSecret(dataDir)`: PLATFORM_JWT_SECRET or a secret kept in the data dir.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ServiceWiring } from '../serve/service-wiring.ts';
import { loadJwtSecret } from '../security/jwt-secret.ts';
import { createPlatformAuthProvider } from './auth/platform-auth-provider.ts';
import { createPlatformKey } from './auth/api-keys.ts';
import { mountPlatformRootRoutes } from './root-routes.ts';
import { mountRealtime } from './realtime/mount-realtime.ts';
import { mountRawUpload } from './files/raw-upload.ts';
import { mountSamlForm } from './identity/saml-form.ts';
import { platformHandlers } from './handlers/index.ts';
import { startPlatformWorkers } from './events/event-workers.ts';
import { appendWriteEvents } from './events/write-events.ts';
import { startScheduler } from './scheduled-jobs/scheduler.ts';

export { createPlatformAuthProvider } from './auth/platform-auth-provider.ts';
export { createPlatformKey } from './auth/api-keys.ts';
export { mountPlatformRootRoutes } from './root-routes.ts';
export { platformHandlers } from './handlers/index.ts';
/** Background work on the job engine (event dispatch, webhook deliveries, automations); for the wiring's `start` hook. */
export { startPlatformWorkers } from './events/event-workers.ts';
/** Sends every due pending webhook delivery now (tests, operators). */
export { deliverDue as deliverPlatformWebhooks } from './webhooks/deliver.ts';

export function platformJwtSecret(dataDir: string): Uint8Array {
  const fromEnv = process.env.PLATFORM_JWT_SECRET?.trim();
  const secret = fromEnv && fromEnv.length >= 32 ? fromEnv : loadJwtSecret({ dataDir: join(dataDir, 'platform'), env: {} });
  return new TextEncoder().encode(secret);
}

export const platformWiring: ServiceWiring = {
  style: 'platform',
  auth: (env) => createPlatformAuthProvider({ db: env.db, jwtSecret: platformJwtSecret(env.dataDir) }),
  handlers: platformHandlers,
  extra: (app, runtime, { root, server, onClose }) => {
    // Realtime first: /events/stream and /v1/realtime (the WebSocket upgrade) are answered there.
    mountRealtime(app, runtime, { server, onClose });
    let openapi: unknown;
    mountPlatformRootRoutes(
      app,
      runtime,
      () => (openapi ??= JSON.parse(readFileSync(join(root, 'generated', 'platform', 'openapi.json'), 'utf8'))),
    );
    mountRawUpload(app, runtime, '/v1');
    mountSamlForm(app, '/v1');
  },
  // Every write appends its domain event in its own transaction (events/write-events.ts).
  events: appendWriteEvents,
  // The job engine (pg-boss): event dispatch, signed webhook deliveries with retries, automations;
  // and the scheduled-job ticker (safe with several processes: each due job is claimed by one).
  start: (db) => {
    const workers = startPlatformWorkers(db);
    const scheduler = startScheduler(db);
    return { stop: async () => void (await Promise.all([scheduler.stop(), workers.stop()])) };
  },
  // Platform keys carry scopes, not roles: `admin` means every scope.
  createKey: async (db, { role }) => (await createPlatformKey(db, { scopes: role === 'admin' ? ['*'] : [role] })).key,
};
