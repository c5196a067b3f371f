/**
 * Platform's service wiring, for runtime/serve/service-registry.ts and the CLI:
 * - `createPlatformAuthProvider({ db, jwtSecret })`: scoped pk_live_ keys and end-user JWTs;
 * - `platformHandlers`: the catalogue's handlers;
 * - `createPlatformKey(db, { tenant, scopes })`: the operator's first key (`loopgen admin create-key --service platform`);
 * - `mountPlatformRootRoutes(app, runtime, openapi)`: /, /docs, /docs/openapi.json, /ready, /events/*, /webhooks/stripe;
 * - `platformJwtSecret(dataDir)`: PLATFORM_JWT_SECRET or a secret kept in the data dir.
 */
import { join } from 'node:path';
import { loadJwtSecret } from '../security/jwt-secret.ts';

export { createPlatformAuthProvider } from './auth/platform-auth-provider.ts';
export { createPlatformKey } from './auth/api-keys.ts';
export { mountPlatformRootRoutes } from './root-routes.ts';
export { platformHandlers } from './handlers/index.ts';
/** Background delivery of queued webhook events; for the wiring's `start` hook. */
export { startWebhookWorker as startPlatformWorkers, deliverDue as deliverPlatformWebhooks } from './webhooks/deliver.ts';

export function platformJwtSecret(dataDir: string): Uint8Array {
  const fromEnv = process.env.PLATFORM_JWT_SECRET?.trim();
  const secret = fromEnv && fromEnv.length >= 32 ? fromEnv : loadJwtSecret({ dataDir: join(dataDir, 'platform'), env: {} });
  return new TextEncoder().encode(secret);
}
