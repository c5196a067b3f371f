/** GET on one record: 404 for other tenants' rows and soft-deleted ones alike, so ids leak nothing. */
import type { RequestHandler } from 'express';
import type { ResourceDescriptor } from '../descriptor.ts';
import { ctxOf, sendJson } from '../http/respond.ts';
import { loadRow } from './rows.ts';

export function retrieve(d: ResourceDescriptor): RequestHandler {
  return async (req, res) => {
    const ctx = ctxOf(res);
    const { row } = await loadRow(ctx.db, d, ctx, req.params.id as string | undefined);
    sendJson(res, 200, row);
  };
}
