/**
 * Assembles one service from its generated code: database (PGlite or DATABASE_URL), pending
 * migrations, catalogue seed data, the runtime with the service's auth and handlers, routes and docs.
 * `loopgen serve`, the end-to-end tests and the benches all start services through here.
 */
import type { Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { openDatabase, closeDatabase } from '../db/open-database.ts';
import { migrate } from '../db/migrator.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { createRuntime } from '../create-runtime.ts';
import { createApp } from '../http/create-app.ts';
import type { Runtime } from '../runtime-api.ts';
import { mountDocs } from './docs.ts';
import { mountHealth } from './health.ts';
import { serviceWiring } from './service-registry.ts';
import { configureSecrets } from '../secrets/secrets-key.ts';

export interface StartOptions {
  readonly root: string;
  readonly service: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** PostgreSQL URL; defaults to DATABASE_URL; embedded PGlite when neither is set. */
  readonly url?: string;
  readonly dataDir?: string;
  /** Database schema (tests use one per file). */
  readonly schema?: string;
  readonly demo?: boolean;
  /** Start background workers (webhook delivery); default true. */
  readonly workers?: boolean;
  /** Reuse an open database instead of opening one. */
  readonly db?: Knex;
}

export interface StartedService {
  readonly url: string;
  readonly port: number;
  readonly db: Knex;
  readonly runtime: Runtime;
  readonly server: Server;
  readonly openapi: { info: { title: string; version: string }; servers?: { url: string }[] };
  close(): Promise<void>;
}

export function defaultDataDir(root: string, service: string): string {
  return join(root, '.loopgen', service);
}

/** Opens the database and brings its schema and catalogue data up to date. */
export async function prepareDatabase(opts: StartOptions): Promise<Knex> {
  const dataDir = opts.dataDir ?? defaultDataDir(opts.root, opts.service);
  const db = opts.db ?? (await openDatabase({ service: opts.service, url: opts.url ?? process.env.DATABASE_URL, dataDir, schema: opts.schema }));
  const generated = join(opts.root, 'generated', opts.service);
  await migrate(db, { service: opts.service, dir: join(generated, 'migrations'), direction: 'up' });
  const seedFile = join(generated, 'seed.json');
  await seedIfEmpty(db, { service: opts.service, seedFile, demo: false });
  if (opts.demo) {
    // The demo account (and its company) first, so the catalogue's demo rows have a tenant to belong to.
    const wiring = await serviceWiring(opts.service);
    for (const line of (await wiring.demoAccount?.(db)) ?? []) console.log(line);
    await seedIfEmpty(db, { service: opts.service, seedFile, demo: true });
  }
  return db;
}

export async function startService(opts: StartOptions): Promise<StartedService> {
  const dataDir = opts.dataDir ?? defaultDataDir(opts.root, opts.service);
  // The key that seals recoverable secrets (webhook, TOTP) lives beside the database it protects,
  // so the two move together; LOOPGEN_SECRETS_KEY overrides it in production.
  // (An in-memory database has no directory to keep a key in: the default location serves then.)
  if (dataDir !== ':memory:') configureSecrets({ dataDir });
  const db = await prepareDatabase(opts);
  const generated = join(opts.root, 'generated', opts.service);
  const openapi = JSON.parse(await readFile(join(generated, 'openapi.json'), 'utf8'));
  const server = (await import(pathToFileURL(join(generated, 'server', 'index.ts')).href)) as typeof import('../../generated/loop/server/index.ts');
  const wiring = await serviceWiring(opts.service);
  const runtime = createRuntime({
    service: opts.service,
    style: wiring.style,
    db,
    auth: await wiring.auth({ db, dataDir, root: opts.root }),
    handlers: wiring.handlers,
    audit: wiring.audit,
    options: wiring.options?.(db),
  });
  const workers = opts.workers === false ? undefined : wiring.start?.(db);
  const basePath: string = openapi.servers?.[0]?.url ?? '/';
  const app = createApp({
    runtime,
    routes: server.mountRoutes(runtime),
    basePath,
    extra: (a) => {
      // The service's own routes first: a service may answer /health or docs in its own envelope.
      wiring.extra?.(a, runtime, { root: opts.root });
      mountHealth(a, opts.service, db, wiring.style, openapi.info.version);
      mountDocs(a, openapi, openapi.info.title);
    },
  });
  const httpServer = await new Promise<Server>((resolve) => {
    const s = app.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve(s));
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    port,
    db,
    runtime,
    server: httpServer,
    openapi,
    async close() {
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeAllConnections?.();
      await workers?.stop();
      if (!opts.db) await closeDatabase(db);
    },
  };
}
