/**
 * Which auth provider, handlers, audit sink and background workers each service runs with.
 * The only place that names particular services; everything else is driven by generated descriptors.
 */
import type { Application as Express } from 'express';
import type { Knex } from 'knex';
import type { AuthProvider } from '../auth-provider.ts';
import type { ServiceStyle } from '../descriptor.ts';
import type { AuditSink } from '../crud/crud-deps.ts';
import type { HandlerRegistry, Runtime, RuntimeOptionsLike } from './registry-types.ts';

export interface ServiceWiring {
  readonly style: ServiceStyle;
  auth(env: { db: Knex; dataDir: string; root: string }): Promise<AuthProvider> | AuthProvider;
  readonly handlers: HandlerRegistry;
  readonly audit?: AuditSink;
  /** Runtime options (idempotency store, rate-limit store) bound to the database. */
  options?(db: Knex): RuntimeOptionsLike;
  /** Routes outside the catalogue (brand assets, landing pages). */
  extra?(app: Express, runtime: Runtime): void;
  /**
   * `serve --demo` on a database without tenants: create a demo account to sign in with and return
   * lines to print (its login). Runs after seed data, before the catalogue's demo rows.
   */
  demoAccount?(db: Knex): Promise<readonly string[]>;
  /** Background workers started with the server. */
  start?(db: Knex): { stop(): Promise<void> };
}

const loopAudit: AuditSink = async (e) => {
  const { writeAudit } = await import('../loop/audit/write-audit.ts');
  // Every CRUD write passes here: writes to tenancy tables drop the tenant resolver's cached answers.
  const { invalidateTenancyAfterWrite } = await import('../loop/auth/loop-services.ts');
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

async function loopWiring(): Promise<ServiceWiring> {
  const { createLoopAuthProvider } = await import('../loop/auth/loop-auth-provider.ts');
  const { loopServices } = await import('../loop/auth/loop-services.ts');
  const { loopHandlers } = await import('../loop/handlers/index.ts');
  const { createIdempotencyMiddleware } = await import('../idempotency/idempotency-middleware.ts');
  const { createRateLimitMiddleware } = await import('../ratelimit/rate-limit.ts');
  const { mountBrandAssets } = await import('../loop/brand/brand-assets.ts');
  const { startMailWorker } = await import('../effects/mail/smtp-transport.ts');
  return {
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
    demoAccount: async (db) => {
      const { createDemoAccount } = await import('../loop/demo-account.ts');
      return createDemoAccount(db);
    },
  };
}

async function roomloopWiring(): Promise<ServiceWiring> {
  const rl = await import('../roomloop/index.ts');
  return {
    style: 'roomloop',
    auth: ({ db }) => rl.createRoomloopAuthProvider({ db }),
    handlers: rl.roomloopHandlers,
    start: (db) => rl.startRoomloopWorkers(db),
  };
}

async function platformWiring(): Promise<ServiceWiring> {
  const pf = await import('../platform/index.ts');
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  let root = process.cwd();
  let openapi: unknown;
  return {
    style: 'platform',
    auth: (env) => {
      root = env.root;
      return pf.createPlatformAuthProvider({ db: env.db, jwtSecret: pf.platformJwtSecret(env.dataDir) });
    },
    handlers: pf.platformHandlers,
    extra: (app, runtime) => pf.mountPlatformRootRoutes(app, runtime, () => (openapi ??= JSON.parse(readFileSync(join(root, 'generated', 'platform', 'openapi.json'), 'utf8')))),
    // Sends queued webhook events (object/file changes) with retries; one process per database.
    start: (db) => pf.startPlatformWorkers(db),
  };
}

const WIRINGS: Readonly<Record<string, () => Promise<ServiceWiring>>> = {
  loop: loopWiring,
  roomloop: roomloopWiring,
  platform: platformWiring,
};

export async function serviceWiring(service: string): Promise<ServiceWiring> {
  const w = WIRINGS[service];
  if (!w) throw new Error(`no runtime wiring for service "${service}" (known: ${Object.keys(WIRINGS).join(', ')})`);
  return w();
}

/** Operator actions behind `loopgen admin …`. */
export const adminActions = {
  async createSuperuser(db: Knex, opts: { email: string; password: string }): Promise<{ id: number; email: string }> {
    const { createSuperuser } = await import('../loop/auth/create-superuser.ts');
    return createSuperuser(db, opts);
  },
  async createKey(db: Knex, opts: { service: string; role: string }): Promise<string> {
    if (opts.service === 'roomloop') {
      const { createRoomloopKey } = await import('../roomloop/index.ts');
      return (await createRoomloopKey(db, { role: opts.role })).key;
    }
    if (opts.service === 'platform') {
      // Platform keys carry scopes, not roles: `admin` means every scope.
      const { createPlatformKey } = await import('../platform/index.ts');
      return (await createPlatformKey(db, { scopes: opts.role === 'admin' ? ['*'] : [opts.role] })).key;
    }
    throw new Error('create-key: --service roomloop or platform (LOOP keys are created through /api/v1/internal-api-keys/)');
  },
};
