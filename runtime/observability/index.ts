/**
 * Observability for one started service: its database joins the metrics scrape, readiness learns its
 * migrations and workers, `/metrics` is served as configured (METRICS_PORT / METRICS_TOKEN), and its
 * HTTP server counts requests in flight for a graceful drain. runtime/serve/start-service.ts calls
 * `observeService` once the app exists; `close()` undoes it.
 */
import type { Server } from 'node:http';
import type { Application as Express } from 'express';
import type { Knex } from 'knex';
import { ENV_SCHEMA } from '../config/env.ts';
import { watchDatabase } from './collectors.ts';
import { trackRequests } from './drain.ts';
import { logger } from './logger.ts';
import { mountMetrics, startMetricsServer } from './metrics-endpoint.ts';
import { registerReadiness } from './readiness.ts';

export { checkReadiness, markDraining, type Readiness } from './readiness.ts';
export { drainServer } from './drain.ts';
export { logger } from './logger.ts';
export { observeRequests } from './request-log.ts';
export { noteRefusal } from './metrics.ts';

export interface ObserveServiceOptions {
  readonly service: string;
  readonly db: Knex;
  readonly server: Server;
  readonly migrationsDir: string;
  readonly workers: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

/** The metrics settings from the environment (validated by the same rules `serve` checks at start). */
export function metricsSettings(env: NodeJS.ProcessEnv = process.env): { port?: number; host?: string; token?: string } {
  return {
    port: ENV_SCHEMA.METRICS_PORT.parse(env.METRICS_PORT) as number | undefined,
    host: ENV_SCHEMA.METRICS_HOST.parse(env.METRICS_HOST) as string | undefined,
    token: ENV_SCHEMA.METRICS_TOKEN.parse(env.METRICS_TOKEN) as string | undefined,
  };
}

/** Routes for the app (before the service's generated routes): `/metrics` with a token, when one is set. */
export function mountObservability(app: Express, env: NodeJS.ProcessEnv = process.env): void {
  const { token } = metricsSettings(env);
  if (token) mountMetrics(app, token);
}

export async function observeService(opts: ObserveServiceOptions): Promise<{ metricsPort?: number; close(): Promise<void> }> {
  const unwatch = watchDatabase(opts.service, opts.db);
  registerReadiness(opts.db, { service: opts.service, migrationsDir: opts.migrationsDir, workers: opts.workers });
  trackRequests(opts.server);
  const { port, host } = metricsSettings(opts.env);
  const metrics = port ? await startMetricsServer(port, host) : undefined;
  if (metrics) logger().info({ service: opts.service, port: metrics.port, host: host ?? '127.0.0.1' }, 'metrics listening');
  return {
    metricsPort: metrics?.port,
    async close() {
      unwatch();
      await metrics?.close();
    },
  };
}
