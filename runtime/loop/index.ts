/**
 * The LOOP wing's wiring: JWT + internal-key auth, tenancy, audit rows, idempotency, rate limits,
 * brand assets, the mail outbox worker and the demo account. Read by runtime/serve/service-registry.ts.
 */
import type { ServiceWiring } from '../serve/service-wiring.ts';
import type { AuditSink } from '../crud/crud-deps.ts';
import { writeAudit } from './audit/write-audit.ts';
import { createLoopAuthProvider } from './auth/loop-auth-provider.ts';
import { invalidateTenancyAfterWrite, loopServices } from './auth/loop-services.ts';
import { createSuperuser } from './auth/create-superuser.ts';
import { loopHandlers } from './handlers/index.ts';
import { createIdempotencyMiddleware } from '../idempotency/idempotency-middleware.ts';
import { createRateLimitMiddleware } from '../ratelimit/rate-limit.ts';
import { mountBrandAssets } from './brand/brand-assets.ts';
import { startMailWorker } from '../effects/mail/smtp-transport.ts';
import { createDemoAccount } from './demo-account.ts';

const loopAudit: AuditSink = async (e) => {
  // Every CRUD write passes here: writes to tenancy tables drop the tenant resolver's cached answers.
  invalidateTenancyAfterWrite(e.ctx.db, e.resource, e.trx);
  await writeAudit(e.trx, {
    action: e.action,
    resource: e.resource,
    recordId: e.recordId ?? null,
    actorId: e.ctx.principal?.userId ?? null,
    companyId: e.ctx.tenant?.companyId ?? null,
    appId: e.ctx.appId,
    changes: e.changes,
    ip: e.ctx.ip,
    requestId: e.ctx.requestId,
  });
};

export const loopWiring: ServiceWiring = {
  style: 'drf',
  auth: ({ db, dataDir }) => {
    // Build the shared identity services for this database first, with this data dir's JWT secret.
    loopServices(db, { dataDir });
    return createLoopAuthProvider({ dataDir });
  },
  handlers: loopHandlers,
  audit: loopAudit,
  options: (db) => ({
    idempotent: createIdempotencyMiddleware({ db }),
    rateLimit: createRateLimitMiddleware(loopServices(db).limiter),
  }),
  extra: (app) => mountBrandAssets(app),
  // Delivers the mail outbox through SMTP when SMTP_URL is set (otherwise mail stays in the outbox table).
  start: (db) => startMailWorker(db),
  demoAccount: (db) => createDemoAccount(db),
  createSuperuser: (db, opts) => createSuperuser(db, opts),
};
