/**
 * The `/ready` answer: 200 when ready, 503 (with the failing checks) when not. The platform keeps the
 * shape its API document gives (`{success, data: {status: "ready", service, timestamp}, request_id}`);
 * the other services answer a bare body like their `/health`.
 */
import type { Application as Express, Request, Response } from 'express';
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { ServiceStyle } from '../descriptor.ts';
import { checkReadiness, type Readiness } from './readiness.ts';

export function readyBody(style: ServiceStyle, r: Readiness, info: { service: string; version: string; requestId: string }): unknown {
  const status = r.ready ? 'ready' : 'not_ready';
  const timestamp = new Date().toISOString();
  if (style === 'platform') {
    return {
      success: r.ready,
      data: { status, service: info.service, version: info.version, timestamp, checks: r.checks },
      request_id: info.requestId,
    };
  }
  return { status, service: info.service, version: info.version, checks: r.checks };
}

/** Answers a readiness probe for `db`'s service. */
export async function answerReady(
  req: Request,
  res: Response,
  db: Knex,
  style: ServiceStyle,
  service: string,
  version: string,
): Promise<void> {
  const r = await checkReadiness(db);
  const requestId = String(res.locals.requestId ?? req.get('x-request-id') ?? randomUUID());
  res
    .status(r.ready ? 200 : 503)
    .set('Cache-Control', 'no-store')
    .json(readyBody(style, r, { service, version, requestId }));
}

export function mountReady(app: Express, db: Knex, style: ServiceStyle, service: string, version: string): void {
  app.get('/ready', (req, res) => answerReady(req, res, db, style, service, version));
}
