/** Shared steps of the item operations: parse a body, load one row, map database errors to field names. */
import type { Knex } from 'knex';
import type { ZodType } from 'zod';
import type { ResourceDescriptor } from '../descriptor.ts';
import { notFound, validation } from '../http/api-error.ts';
import { type RequestInput, toApiError, zodToFieldErrors } from '../http/to-api-error.ts';
import type { RequestContext } from '../runtime-api.ts';
import { codecOf } from './row-codec.ts';
import { parseId, scoped, type Visibility } from './scope.ts';

export function parseBody(schema: ZodType, body: unknown): Record<string, unknown> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw validation(zodToFieldErrors(parsed.error));
  const value = parsed.data;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validation({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  }
  return value as Record<string, unknown>;
}

/** One row in the caller's tenant (wire form), or a 404. */
export async function loadRow(
  db: Knex,
  d: ResourceDescriptor,
  ctx: RequestContext,
  rawId: string | undefined,
  visibility: Visibility = 'live',
  lock = false,
): Promise<{ id: number | string; row: Record<string, unknown> }> {
  const id = parseId(d, rawId);
  const q = scoped(db, d, ctx, visibility).where(`${d.table}.id`, id).first(codecOf(d).select(db, d.table));
  if (lock) q.forUpdate();
  const row = (await q) as Record<string, unknown> | undefined;
  if (!row) throw notFound();
  return { id, row: codecOf(d).toWire(row) };
}

/**
 * Re-throws database errors as ApiErrors that name the wire field (`service`, not `service_id`);
 * `input` (the request's body and query) names the field of an error that names no column.
 */
export function rethrow(d: ResourceDescriptor, ctx: RequestContext, err: unknown, input?: RequestInput): never {
  throw toApiError(err, ctx.wire, codecOf(d).fieldOf, input) ?? err;
}

export function now(db: Knex): Knex.Raw {
  return db.fn.now();
}
