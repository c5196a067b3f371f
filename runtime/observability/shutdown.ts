/**
 * SIGTERM / SIGINT for `loopgen serve`: stop accepting, let requests in flight finish within
 * SHUTDOWN_TIMEOUT_MS, stop the workers after their current round, close the database pool, flush
 * traces and logs, exit 0. A second signal while draining exits at once (status 130 / 143, as an
 * unhandled signal would).
 */
import { logger } from './logger.ts';
import type { TracingHandle } from './tracing.ts';

export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

export interface Closable {
  close(how?: { readonly graceMs?: number }): Promise<void>;
}

export function installShutdown(svc: Closable, opts: { service: string; graceMs?: number; tracing?: TracingHandle }): void {
  const graceMs = opts.graceMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signal === 'SIGINT' ? 130 : 143);
    stopping = true;
    const started = Date.now();
    logger().info({ service: opts.service, signal, grace_ms: graceMs }, 'shutting down: draining requests in flight');
    let code = 0;
    try {
      await svc.close({ graceMs });
      await opts.tracing?.shutdown().catch(() => undefined);
      logger().info({ service: opts.service, duration_ms: Date.now() - started }, 'stopped');
    } catch (err) {
      logger().error({ err, service: opts.service }, 'shutdown failed');
      code = 1;
    }
    logger().flush?.();
    process.exit(code);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
