import type { Application as Express } from 'express';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { ServiceStyle } from '../descriptor.ts';

const started = Date.now();

/**
 * `/health`: process and database liveness, for load balancers and `loopgen serve` users.
 * Platform-style services answer in their envelope with the fields seed 002 lists
 * (status, service, version, timestamp, region, uptime).
 */
export function mountHealth(app: Express, service: string, db: Knex, style: ServiceStyle = 'drf', version = '1.0.0'): void {
  app.get('/health', async (_req, res) => {
    let database = 'ok';
    try {
      await db.raw('select 1');
    } catch {
      database = 'unavailable';
    }
    const healthy = database === 'ok';
    const uptime = Math.round((Date.now() - started) / 1000);
    if (style === 'platform') {
      res.status(healthy ? 200 : 503).json({
        success: healthy,
        data: {
          status: healthy ? 'ok' : 'degraded',
          service,
          version,
          timestamp: new Date().toISOString(),
          region: process.env.LOOPGEN_REGION ?? 'local',
          uptime: `${uptime}s`,
          database,
        },
        request_id: String(res.locals.requestId ?? randomUUID()),
      });
      return;
    }
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'degraded', service, database, uptime_seconds: uptime });
  });
}
