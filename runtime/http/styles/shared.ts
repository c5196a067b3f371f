/** Pieces two styles share: drf and roomloop send bare bodies and the same health answer; roomloop and platform the same conflict. */
import type { Response } from 'express';
import { ApiError } from '../api-error.ts';
import type { HealthReport } from '../wire-style.ts';

export const bareBody = (data: unknown): unknown => data;

export function sendBare(res: Response, status: number, data: unknown): void {
  if (status === 204) {
    res.status(204).end();
    return;
  }
  res.status(status).json(data);
}

/** roomloop and platform report a uniqueness conflict as 409 naming the field. */
export function conflictOnUnique(field: string, message: string): ApiError {
  return new ApiError(409, 'conflict', message, { fields: { [field]: [message] } });
}

export function statusHealth(h: HealthReport): { status: number; body: unknown } {
  const healthy = h.database === 'ok';
  return {
    status: healthy ? 200 : 503,
    body: { status: healthy ? 'ok' : 'degraded', service: h.service, database: h.database, uptime_seconds: h.uptimeSeconds },
  };
}
