import type { Application as Express } from 'express';
import type { Knex } from 'knex';

const started = Date.now();

/** `/health`: process and database liveness, for load balancers and `loopgen serve` users. */
export function mountHealth(app: Express, service: string, db: Knex): void {
  app.get('/health', async (_req, res) => {
    let database = 'ok';
    try {
      await db.raw('select 1');
    } catch {
      database = 'unavailable';
    }
    res.status(database === 'ok' ? 200 : 503).json({
      status: database === 'ok' ? 'ok' : 'degraded',
      service,
      database,
      uptime_seconds: Math.round((Date.now() - started) / 1000),
    });
  });
}
