/**
 * The LOOP wing's wiring: JWT + internal-key auth, tenancy, audit rows, idempotency, rate limits,
 * brand assets, the mail outbox worker and the demo account. Read by runtime/serve/service-registry.ts.
 */
import type { ServiceWiring } from '../serve/service-wiring.ts';
import type { AuditSink } from '../crud/crud-deps.ts';
import { AUDIT_TABLE, auditColumns, writeAudit } from './audit/write-audit.ts';
import { withInlineForm } from '../crud/inline-audit.ts';
import type { RequestContext } from '../runtime-api.ts';
import { TENANCY_RESOURCES } from './tenancy/cache-invalidation.ts';
import { guardGrants } from './tenancy/grant-guard.ts';
import { createLoopAuthProvider } from './auth/loop-auth-provider.ts';
import { invalidateTenancyAfterWrite, loopServices } from './auth/loop-services.ts';
import { createSuperuser } from './auth/create-superuser.ts';
import { loopHandlers } from './handlers/index.ts';
import { createIdempotencyMiddleware } from '../idempotency/idempotency-middleware.ts';
import { createRateLimitMiddleware } from '../ratelimit/rate-limit.ts';
import { mountBrandAssets } from './brand/brand-assets.ts';
import { startMailWorker } from '../effects/mail/smtp-transport.ts';
import { createDemoAccount } from './demo-account.ts';

const entryOf = (e: { ctx: RequestContext; action: string; resource: string }) => ({
  action: e.action,
  resource: e.resource,
  actorId: e.ctx.principal?.userId ?? null,
  companyId: e.ctx.tenant?.companyId ?? null,
  appId: e.ctx.appId,
  ip: e.ctx.ip,
  requestId: e.ctx.requestId,
});

const loopAudit: AuditSink = withInlineForm(
  async (e) => {
    // Every CRUD write passes here, in its transaction: a membership or role that gives more than the
    // caller holds is refused (and rolled back) first; writes to tenancy tables drop the tenant
    // resolver's cached answers.
    await guardGrants(e);
    invalidateTenancyAfterWrite(e.ctx.db, e.resource, e.trx);
    await writeAudit(e.trx, { ...entryOf(e), recordId: e.recordId ?? null, changes: e.changes });
  },
  {
    // The same row as writeAudit, for single-statement creates; tenancy tables keep the sink (cache invalidation,
    // and the grant guard above, which memberships and roles must never skip).
    table: AUDIT_TABLE,
    covers: (resource) => !TENANCY_RESOURCES.has(resource),
    values: (e) => auditColumns(entryOf(e)),
    recordIdColumn: 'record_id',
    changesColumn: 'changes',
    nowColumns: ['created_at', 'updated_at'],
  },
);

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
