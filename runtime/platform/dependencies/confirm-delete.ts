/**
 * DEPENDENCY_EXISTS (docs/api/platform-api.txt): deleting a record that others depend on answers 409 with dependency
 * counts and a one-time `confirm_token`, instead of silently cascading. Retrying with
 * `?force=true&confirm_token=<token>` cascades. Tokens are single-use, bound to the record, valid
 * 5 minutes and stored as SHA-256 (pf_confirm_tokens).
 *
 * The 409 is *returned* (as a pre-rendered error body) rather than thrown: a thrown error rolls back
 * the request transaction, and the token row must commit for the retry to find it.
 */
import type { Knex } from 'knex';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import { ApiError, badRequest, conflict } from '../../http/api-error.ts';
import { errorBody } from '../../http/render-error.ts';
import { T } from '../tables.ts';
import { newId, newToken as newSecret } from '../../security/random-ids.ts';
import { sha256Hex as sha256 } from '../../security/token-hash.ts';

export const CONFIRM_TTL_MS = 5 * 60 * 1000;

export interface Dependent {
  /** Machine name in the 409 body, e.g. `objects`. */
  readonly type: string;
  readonly label: string;
  count(trx: Knex): Promise<number>;
  /**
   * Removes the dependents (called only on a confirmed force delete, before the record itself).
   * Absent for dependents that must never be cascaded (posted journal lines, booked payments): while
   * any exist the 409 carries no confirm token and `force` cannot override it.
   */
  remove?(trx: Knex): Promise<void>;
}

function truthy(v: unknown): boolean {
  return v === true || v === 'true' || v === '1';
}

async function consume(trx: Knex, companyId: number, resource: string, recordId: string, token: string): Promise<void> {
  const row = await trx(T.confirmTokens)
    .where({ token_hash: sha256(token), company_id: companyId })
    .forUpdate()
    .first();
  if (!row || row.resource !== resource || row.record_id !== recordId)
    throw badRequest('confirm_token is not valid for this record.', 'invalid_confirm_token');
  if (row.used_at) throw conflict('confirm_token was already used; delete again to get a new one.', 'confirm_token_used');
  if (new Date(row.expires_at).getTime() <= Date.now())
    throw badRequest('confirm_token has expired; delete again to get a new one.', 'confirm_token_expired');
  await trx(T.confirmTokens).where({ id: row.id }).update({ used_at: new Date().toISOString(), updated_at: trx.fn.now() });
}

/**
 * Deletes `recordId` through `remove` when nothing depends on it or the caller confirmed; otherwise
 * returns the 409 result. `resource` names the record kind the token is bound to.
 */
export async function guardedDelete(
  a: ActionContext,
  opts: { resource: string; recordId: string; dependents: readonly Dependent[]; remove: (trx: Knex) => Promise<void> },
): Promise<ActionResult | null> {
  const companyId = a.ctx.tenant!.companyId;
  const counts = await Promise.all(opts.dependents.map(async (d) => ({ d, count: await d.count(a.trx) })));
  const present = counts.filter((c) => c.count > 0);
  if (present.length === 0) {
    await opts.remove(a.trx);
    return null;
  }
  const dependencies = present.map((c) => ({ type: c.d.type, count: c.count, label: c.d.label }));
  if (present.some((c) => !c.d.remove)) {
    const err = new ApiError(409, 'dependency_exists', 'Cannot delete: dependent records exist', { details: { dependencies } });
    return {
      status: 409,
      buffer: Buffer.from(JSON.stringify(errorBody(err, 'platform', a.ctx.requestId))),
      contentType: 'application/json',
    };
  }
  const token = typeof a.query.confirm_token === 'string' ? a.query.confirm_token : '';
  if (truthy(a.query.force) && token) {
    await consume(a.trx, companyId, opts.resource, opts.recordId, token);
    for (const c of present) await c.d.remove!(a.trx);
    await opts.remove(a.trx);
    return null;
  }
  const confirm = newSecret('ct_', 24);
  await a.trx(T.confirmTokens).insert({
    id: newId('ct'),
    company_id: companyId,
    token_hash: sha256(confirm),
    resource: opts.resource,
    record_id: opts.recordId,
    expires_at: new Date(Date.now() + CONFIRM_TTL_MS).toISOString(),
    created_by: a.ctx.principal ? String(a.ctx.principal.userId) : null,
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
  const err = new ApiError(409, 'dependency_exists', 'Cannot delete: dependent records exist', {
    details: { dependencies, confirm_token: confirm },
  });
  const body = errorBody(err, 'platform', a.ctx.requestId);
  return { status: 409, buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}

/** A dependent that is the rows of `table` where `column` = id within the tenant. */
export function rowsOf(
  table: string,
  column: string,
  id: string,
  companyId: number,
  type: string,
  label: string,
  extra?: (q: Knex.QueryBuilder) => void,
): Dependent {
  const q = (trx: Knex) => {
    const b = trx(table).where({ company_id: companyId, [column]: id });
    extra?.(b);
    return b;
  };
  return {
    type,
    label,
    // Stryker disable next-line OptionalChaining: count() without GROUP BY always returns one row.
    count: async (trx) => Number((await q(trx).count({ n: '*' }).first())?.n ?? 0),
    remove: async (trx) => {
      await q(trx).delete();
    },
  };
}
