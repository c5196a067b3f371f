import type { Application as Express } from 'express';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { ServiceStyle } from '../descriptor.ts';
import { WIRE_STYLES } from '../http/wire-style.ts';
import { mountReady } from '../observability/ready-answer.ts';

const started = Date.now();

/**
 * `/health`: process and database liveness, for load balancers and `loopgen serve` users, in the
 * service's wire style (platform's envelope carries the fields its API document lists). `/ready`:
 * readiness (database, pending migrations, workers; runtime/observability/readiness.ts).
 */
export function mountHealth(app: Express, service: string, db: Knex, style: ServiceStyle = 'drf', version = '1.0.0'): void {
  const wire = WIRE_STYLES[style];
  app.get('/health', async (_req, res) => {
    let database = 'ok';
    try {
      await db.raw('select 1');
    } catch {
      database = 'unavailable';
    }
    const uptimeSeconds = Math.round((Date.now() - started) / 1000);
    const answer = wire.health({ service, version, database, uptimeSeconds }, String(res.locals.requestId ?? randomUUID()));
    res.status(answer.status).json(answer.body);
  });
  mountReady(app, db, style, service, version);
}
