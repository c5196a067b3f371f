/**
 * Assembles one service from its generated code: database (PGlite or DATABASE_URL), pending
 * migrations, catalogue seed data, the runtime with the service's auth and handlers, routes and docs.
 * `loopgen serve`, the end-to-end tests and the benches all start services through here.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { openDatabase, closeDatabase, databaseLock } from '../db/open-database.ts';
import { migrate } from '../db/migrator.ts';
import { seedIfEmpty } from '../db/seed.ts';
import { createRuntime } from '../create-runtime.ts';
import { createApp } from '../http/create-app.ts';
import type { Runtime } from '../runtime-api.ts';
import { mountAdminEndpoint } from './admin-endpoint.ts';
import { mountApiRoot } from './api-root.ts';
import { mountDocs } from './docs.ts';
import { listen } from './listen.ts';
import { silentProgress, type Progress } from './progress.ts';
import { mountHealth } from './health.ts';
import { serviceWiring } from './service-registry.ts';
import { configureSecrets } from '../secrets/secrets-key.ts';
import { drainServer, markDraining, observeService } from '../observability/index.ts';
import { closeDatabaseListener } from '../pubsub/database-listener.ts';

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
  /** Reports start-up steps (migrating, seeding) with their time; default silent. */
  readonly progress?: Progress;
  /** Named in the embedded data directory's lock (runtime/db/data-dir-lock.ts); default `serve`. */
  readonly command?: string;
}

export interface StartedService {
  readonly url: string;
  readonly port: number;
  readonly db: Knex;
  readonly runtime: Runtime;
  readonly server: Server;
  readonly openapi: { info: { title: string; version: string }; servers?: { url: string }[]; paths?: Record<string, unknown> };
  /** `graceMs`: stop accepting, let requests in flight finish for up to that long (runtime/observability/drain.ts); default cut at once. */
  close(how?: { readonly graceMs?: number }): Promise<void>;
}

export function defaultDataDir(root: string, service: string): string {
  return join(root, '.loopgen', service);
}

/** Opens the database and brings its schema and catalogue data up to date. */
export async function prepareDatabase(opts: StartOptions): Promise<Knex> {
  const dataDir = opts.dataDir ?? defaultDataDir(opts.root, opts.service);
  const url = opts.url ?? process.env.DATABASE_URL;
  const db = opts.db ?? (await openDatabase({ service: opts.service, url, dataDir, schema: opts.schema, command: opts.command }));
  try {
    await bringUpToDate(db, opts);
  } catch (err) {
    if (!opts.db) await closeDatabase(db);
    throw err;
  }
  return db;
}

async function bringUpToDate(db: Knex, opts: StartOptions): Promise<void> {
  const progress = opts.progress ?? silentProgress;
  const generated = join(opts.root, 'generated', opts.service);
  const dir = join(generated, 'migrations');
  const { pending } = await migrate(db, { service: opts.service, dir, direction: 'status' });
  if (pending.length) {
    const names = pending.map((n) => n.replace(/\.ts$/, ''));
    const label = `${opts.service}: migrating ${names.length > 3 ? `${names[0]} … ${names.at(-1)} (${names.length})` : names.join(', ')}`;
    await progress.step(label, () => migrate(db, { service: opts.service, dir, direction: 'up' }));
  }
  const seedFile = join(generated, 'seed.json');
  await seedIfEmpty(db, { service: opts.service, seedFile, demo: false });
  if (opts.demo) {
    // The demo account (and its company) first, so the catalogue's demo rows have a tenant to belong to.
    const wiring = await serviceWiring(opts.service);
    for (const line of (await wiring.demoAccount?.(db)) ?? []) console.log(line);
    await seedIfEmpty(db, { service: opts.service, seedFile, demo: true });
  }
}

export async function startService(opts: StartOptions): Promise<StartedService> {
  const dataDir = opts.dataDir ?? defaultDataDir(opts.root, opts.service);
  // The key that seals recoverable secrets (webhook, TOTP) lives beside the database it protects,
  // so the two move together; LOOPGEN_SECRETS_KEY overrides it in production.
  // (An in-memory database has no directory to keep a key in: the default location serves then.)
  if (dataDir !== ':memory:') configureSecrets({ dataDir });
  const host = opts.host ?? '127.0.0.1';
  // Bind first: a busy port fails at once (ListenError names it), not after a long first migration;
  // until the app is ready, requests get 503 with Retry-After.
  let handler: RequestListener = (_req, res) => {
    res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '5' });
    res.end(JSON.stringify({ detail: `${opts.service} is starting (preparing its database); retry shortly.` }));
  };
  const httpServer = createServer((req, res) => handler(req, res));
  const port = await listen(httpServer, opts.port ?? 0, host);
  const closeServer = () =>
    new Promise<void>((resolve) => {
      httpServer.close(() => resolve());
      httpServer.closeAllConnections?.();
    });
  let db: Knex;
  try {
    db = await prepareDatabase({ ...opts, command: opts.command ?? 'serve' });
  } catch (err) {
    await closeServer();
    throw err;
  }
  const generated = join(opts.root, 'generated', opts.service);
  const openapi = JSON.parse(await readFile(join(generated, 'openapi.json'), 'utf8'));
  const server = (await import(
    pathToFileURL(join(generated, 'server', 'index.ts')).href
  )) as typeof import('../../generated/loop/server/index.ts');
  const wiring = await serviceWiring(opts.service);
  const runtime = createRuntime({
    service: opts.service,
    style: wiring.style,
    db,
    auth: await wiring.auth({ db, dataDir, root: opts.root }),
    handlers: wiring.handlers,
    audit: wiring.audit,
    events: wiring.events,
    options: wiring.options?.(db),
  });
  const workers = opts.workers === false ? undefined : wiring.start?.(db);
  const basePath: string = openapi.servers?.[0]?.url ?? '/';
  const lock = opts.db ? undefined : databaseLock(db);
  const closers: (() => Promise<void> | void)[] = [];
  const app = createApp({
    runtime,
    routes: server.mountRoutes(runtime),
    basePath,
    extra: (a) => {
      // The service's own routes first: a service may answer /health or docs in its own envelope.
      wiring.extra?.(a, runtime, { root: opts.root, server: httpServer, onClose: (fn) => closers.push(fn) });
      mountHealth(a, opts.service, db, wiring.style, openapi.info.version);
      mountDocs(a, openapi, openapi.info.title);
      mountApiRoot(a, openapi, basePath);
      if (lock) mountAdminEndpoint(a, { db, root: opts.root, service: opts.service }, () => lock.owner.token);
    },
  });
  const observed = await observeService({
    service: opts.service,
    db,
    server: httpServer,
    migrationsDir: join(generated, 'migrations'),
    workers: Boolean(workers),
  });
  handler = app;
  // Only now may a second command find this server in the lock file and hand it work.
  lock?.advertise({ host, port });
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    db,
    runtime,
    server: httpServer,
    openapi,
    async close(how = {}) {
      // Unready first, so a load balancer stops sending; workers finish their current round meanwhile.
      markDraining(db);
      // Realtime streams end first (clients reconnect to another process); requests in flight then drain.
      await Promise.all(closers.map((fn) => Promise.resolve(fn()).catch(() => undefined)));
      await Promise.all([how.graceMs ? drainServer(httpServer, how.graceMs) : closeServer(), workers?.stop()]);
      await observed.close();
      // The LISTEN connection (runtime/pubsub) is this service's, even on a database handle it was lent.
      await closeDatabaseListener(db);
      if (!opts.db) await closeDatabase(db);
    },
  };
}
