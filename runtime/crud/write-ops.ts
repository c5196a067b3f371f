/**
 * The writing CRUD operations. Each runs in one transaction: reference checks, the write, and the
 * audit record (with field-level before/after changes) commit together or not at all.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Knex } from 'knex';
import type { ResourceDescriptor } from '../descriptor.ts';
import { forbidden } from '../http/api-error.ts';
import { ctxOf, sendJson } from '../http/respond.ts';
import type { RequestContext } from '../runtime-api.ts';
import { type CrudDeps, diff, writeAuditEntry } from './crud-deps.ts';
import { generatedColumns, insertWithGenerated } from './generated-values.ts';
import { runStatement } from '../db/prepared.ts';
import { type InlineAuditForm, inlineAuditFor } from './inline-audit.ts';
import { createStatement, preparable } from './statements.ts';
import { checkRefs } from './ref-check.ts';
import { codecOf } from './row-codec.ts';
import { loadRow, now, parseBody, rethrow } from './rows.ts';
import { companyOf, isAdmin, scoped } from './scope.ts';
import { newId } from '../security/random-ids.ts';

async function audit(
  deps: CrudDeps,
  trx: Knex,
  ctx: RequestContext,
  d: ResourceDescriptor,
  action: string,
  id: number | string,
  changes: unknown,
  record: Record<string, unknown> | null,
) {
  await writeAuditEntry(deps, { trx, ctx, action, resource: d.id, recordId: id, changes, record });
}

/** Runs `write` in one transaction and answers `status` with what it returns; database errors name wire fields. */
async function answerWrite(req: Request, res: Response, d: ResourceDescriptor, status: number, write: (trx: Knex) => Promise<unknown>) {
  const ctx = ctxOf(res);
  try {
    sendJson(res, status, await ctx.db.transaction(write));
  } catch (e) {
    rethrow(d, ctx, e, { body: req.body as unknown, query: req.query as Record<string, unknown> });
  }
}

/** The row `:id` names, locked for the write. */
function lockRow(trx: Knex, d: ResourceDescriptor, ctx: RequestContext, req: Request, visibility: 'live' | 'deleted') {
  return loadRow(trx, d, ctx, req.params.id as string | undefined, visibility, true);
}

function touched(d: ResourceDescriptor, trx: Knex): { updated_at?: Knex.Raw } {
  return codecOf(d).has('updated_at') ? { updated_at: now(trx) } : {};
}

/**
 * The create of the default case in one round trip (runtime/crud/statements.ts `createStatement`): the
 * row and its audit row in one statement, answered from RETURNING. Reference checks read committed rows
 * before it, as they would inside a READ COMMITTED transaction.
 */
async function createInOneStatement(
  req: Request,
  res: Response,
  d: ResourceDescriptor,
  deps: CrudDeps,
  audit: InlineAuditForm,
  values: Record<string, unknown>,
) {
  const ctx = ctxOf(res);
  try {
    await checkRefs(ctx.db, deps.shapes, d, companyOf(d, ctx), values);
    const columns: string[] = [];
    const nowColumns: string[] = [];
    const bound: unknown[] = [];
    for (const [column, value] of Object.entries(values)) {
      if (value === NOW) nowColumns.push(column);
      else {
        columns.push(column);
        bound.push(value);
      }
    }
    const auditValues = audit.values({ ctx, action: 'create', resource: d.id });
    const valueColumns = Object.keys(auditValues);
    const sql = createStatement(d, columns, nowColumns, { ...audit, valueColumns });
    const [row] = await runStatement(ctx.db, sql, [...bound, ...valueColumns.map((c) => auditValues[c])]);
    sendJson(res, 201, codecOf(d).toWire(row!));
  } catch (e) {
    rethrow(d, ctx, e, { body: req.body as unknown, query: req.query as Record<string, unknown> });
  }
}

/** Marks a column the single statement sets to now() (the transaction path uses the builder's now()). */
const NOW = Symbol('now');

export function create(d: ResourceDescriptor, deps: CrudDeps): RequestHandler {
  const codec = codecOf(d);
  // Generated values draw codes and numbers under locks and savepoints: those creates keep the transaction.
  const single = preparable(d) && generatedColumns(d).length === 0;
  return async (req, res) => {
    const ctx = ctxOf(res);
    const input = parseBody(d.validators.create, req.body);
    const values = codec.toColumns(input);
    for (const c of codec.writable) {
      if (!(c.column in values) && c.default !== undefined) values[c.column] = codec.toColumns({ [c.name]: c.default })[c.column];
    }
    const company = companyOf(d, ctx);
    if (company !== null) values.company_id = company;
    if (codec.has('created_at')) values.created_at = NOW;
    if (codec.has('updated_at')) values.updated_at = NOW;
    if (codec.has('created_by')) values.created_by = ctx.principal?.userId ?? null;
    if (d.idStyle === 'prefixed') values.id = newId(d.idPrefix ?? d.name.slice(0, 3));
    const inline = single && inlineAuditFor(deps, ctx, d.id);
    if (inline) return createInOneStatement(req, res, d, deps, inline, values);
    for (const k of ['created_at', 'updated_at']) if (values[k] === NOW) values[k] = now(ctx.db);
    await answerWrite(req, res, d, 201, async (trx) => {
      await checkRefs(trx, deps.shapes, d, company, values);
      // Generated columns (codes, per-company numbers) are drawn here, inside the transaction.
      const id = await insertWithGenerated(trx, d, company, values);
      const { row } = await loadRow(trx, d, ctx, String(id));
      await audit(deps, trx, ctx, d, 'create', row.id as number | string, diff(null, row), row);
      return row;
    });
  };
}

function updater(d: ResourceDescriptor, deps: CrudDeps, partial: boolean): RequestHandler {
  const codec = codecOf(d);
  return async (req, res) => {
    const ctx = ctxOf(res);
    const input = parseBody(partial ? d.validators.partialUpdate : d.validators.update, req.body);
    const values = codec.toColumns(input);
    await answerWrite(req, res, d, 200, async (trx) => {
      const before = await lockRow(trx, d, ctx, req, 'live');
      await checkRefs(trx, deps.shapes, d, companyOf(d, ctx), values);
      Object.assign(values, touched(d, trx));
      if (Object.keys(values).length) await scoped(trx, d, ctx).where(`${d.table}.id`, before.id).update(values);
      const { row } = await loadRow(trx, d, ctx, String(before.id));
      await audit(deps, trx, ctx, d, 'update', before.id, diff(before.row, row), row);
      return row;
    });
  };
}

export const update = (d: ResourceDescriptor, deps: CrudDeps) => updater(d, deps, false);
export const partialUpdate = (d: ResourceDescriptor, deps: CrudDeps) => updater(d, deps, true);

/**
 * Soft delete hides the row; resources without soft delete lose it for good. The answer is 204, or 200
 * with `{<id key>: id, deleted: true}` where the catalogue's delete_answer says so (platform).
 */
export function destroy(d: ResourceDescriptor, deps: CrudDeps): RequestHandler {
  const answer = d.deleteAnswer;
  return async (req, res) => {
    const ctx = ctxOf(res);
    await answerWrite(req, res, d, answer ? 200 : 204, async (trx) => {
      const before = await lockRow(trx, d, ctx, req, 'live');
      const q = scoped(trx, d, ctx).where(`${d.table}.id`, before.id);
      if (d.softDelete) await q.update({ deleted_at: now(trx), ...touched(d, trx) });
      else await q.delete();
      await audit(deps, trx, ctx, d, 'delete', before.id, diff(before.row, null), before.row);
      return answer ? { ...(answer.idKey ? { [answer.idKey]: before.id } : {}), deleted: true } : null;
    });
  };
}

/** `POST …/{id}/restore/`: owners, admins and superusers bring a soft-deleted row back. */
export function restore(d: ResourceDescriptor, deps: CrudDeps): RequestHandler {
  return async (req, res) => {
    const ctx = ctxOf(res);
    if (!isAdmin(ctx)) throw forbidden('Only company owners and admins may restore records.');
    await answerWrite(req, res, d, 200, async (trx) => {
      const before = await lockRow(trx, d, ctx, req, 'deleted');
      await scoped(trx, d, ctx, 'deleted')
        .where(`${d.table}.id`, before.id)
        .update({ deleted_at: null, ...touched(d, trx) });
      const { row } = await loadRow(trx, d, ctx, String(before.id));
      await audit(deps, trx, ctx, d, 'restore', before.id, diff(before.row, row), row);
      return row;
    });
  };
}
