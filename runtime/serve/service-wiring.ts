/**
 * What a service wing (runtime/<service>/index.ts) hands to `serve` and the CLI: its auth provider,
 * handlers, audit sink, background workers and operator commands. Generic code reads only this.
 */
import type { Server } from 'node:http';
import type { Application as Express } from 'express';
import type { Knex } from 'knex';
import type { AuthProvider } from '../auth-provider.ts';
import type { ServiceStyle } from '../descriptor.ts';
import type { AuditSink, WriteObserver } from '../crud/crud-deps.ts';
import type { RuntimeOptions } from '../create-runtime.ts';
import type { HandlerRegistry, Runtime } from '../runtime-api.ts';

export interface ServiceWiring {
  readonly style: ServiceStyle;
  auth(env: { db: Knex; dataDir: string; root: string }): Promise<AuthProvider> | AuthProvider;
  readonly handlers: HandlerRegistry;
  readonly audit?: AuditSink;
  /** Sees every audited write inside its transaction (the platform appends its domain events). */
  readonly events?: WriteObserver;
  /** Runtime options (idempotency store, rate-limit store) bound to the database. */
  options?(db: Knex): RuntimeOptions;
  /**
   * Routes outside the catalogue (brand assets, landing pages). `server` is the HTTP server (WebSocket
   * upgrades); `onClose` registers what must end first when the service closes (long-lived streams,
   * which would otherwise hold a graceful drain open for its whole grace period).
   */
  extra?(app: Express, runtime: Runtime, env: { root: string; server?: Server; onClose?(fn: () => Promise<void> | void): void }): void;
  /**
   * `serve --demo` on a database without tenants: create a demo account to sign in with and return
   * lines to print (its login). Runs after seed data, before the catalogue's demo rows.
   */
  demoAccount?(db: Knex): Promise<readonly string[]>;
  /** Background workers started with the server. */
  start?(db: Knex): { stop(): Promise<void> };
  /** `loopgen admin create-superuser` (services with superusers). */
  createSuperuser?(db: Knex, opts: { email: string; password: string }): Promise<{ id: number; email: string }>;
  /** `loopgen admin create-key`: a server key, returned once. */
  createKey?(db: Knex, opts: { role: string }): Promise<string>;
}
