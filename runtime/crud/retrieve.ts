/** GET on one record: 404 for other tenants' rows and soft-deleted ones alike, so ids leak nothing. */
import type { RequestHandler } from 'express';
import type { ResourceDescriptor } from '../descriptor.ts';
import { ctxOf, sendJson } from '../http/respond.ts';
import { notFound } from '../http/api-error.ts';
import { runStatement } from '../db/prepared.ts';
import { codecOf } from './row-codec.ts';
import { loadRow } from './rows.ts';
import { companyOf, parseId } from './scope.ts';
import { preparable, retrieveStatement } from './statements.ts';

export function retrieve(d: ResourceDescriptor): RequestHandler {
  const codec = codecOf(d);
  if (!preparable(d)) {
    return async (req, res) => {
      const ctx = ctxOf(res);
      const { row } = await loadRow(ctx.db, d, ctx, req.params.id as string | undefined);
      sendJson(res, 200, row);
    };
  }
  const sql = retrieveStatement(d);
  return async (req, res) => {
    const ctx = ctxOf(res);
    const id = parseId(d, req.params.id as string | undefined);
    const company = companyOf(d, ctx);
    const [row] = await runStatement(ctx.db, sql, company === null ? [id] : [company, id]);
    if (!row) throw notFound();
    sendJson(res, 200, codec.toWire(row));
  };
}
