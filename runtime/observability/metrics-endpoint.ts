/**
 * Where `GET /metrics` is answered. Off unless configured: METRICS_PORT serves it on its own listener
 * (bound to METRICS_HOST, default loopback, so it never shares the public port); METRICS_TOKEN serves
 * it on the service's port to callers presenting `Authorization: Bearer <token>`. Both may be set.
 */
import { createServer, type Server } from 'node:http';
import type { Application as Express } from 'express';
import { safeEqual } from '../security/token-hash.ts';
import { listen } from '../serve/listen.ts';
import { scrape } from './metrics.ts';

export interface MetricsSettings {
  readonly port?: number;
  readonly host?: string;
  readonly token?: string;
}

export function mountMetrics(app: Express, token: string): void {
  app.get('/metrics', async (req, res) => {
    const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim() ?? '';
    if (!given || !safeEqual(given, token)) {
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer realm="metrics"')
        .type('text/plain')
        .send('metrics need Authorization: Bearer <METRICS_TOKEN>\n');
      return;
    }
    const { contentType, body } = await scrape();
    res.status(200).type(contentType).send(body);
  });
}

/** A listener that answers only `GET /metrics`; resolves once bound. */
export async function startMetricsServer(port: number, host = '127.0.0.1'): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`scrape failed: ${(err as Error).message}\n`),
    );
  });
  const bound = await listen(server, port, host);
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
