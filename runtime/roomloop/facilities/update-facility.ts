/**
 * Writes to a facility (PATCH /v1/facilities/:id; spec/roomloop/facilities.yaml names the handler).
 * The generated validator knows `slots` and `rules` only as JSON, so they are checked here with the rules'
 * own schemas (runtime/roomloop/rules/rules-config.ts) before anything is stored: a bad value is
 * 400 validation_error naming the field (`rules.R-99`, `slots.0.number`) and the facility stays bookable.
 * What is stored is the parsed value (slots sorted, rule defaults filled in). The rest of the write
 * is the generic one, through the descriptor's codec.
 */
import type { Knex } from 'knex';
import type { ZodType } from 'zod';
import { validation, type FieldErrors } from '../../http/api-error.ts';
import { zodToFieldErrors } from '../../http/to-api-error.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { loadRow } from '../../crud/rows.ts';
import type { RequestContext } from '../../runtime-api.ts';
import { R } from '../tables.ts';
import { rulesSchema, slotsSchema } from '../rules/index.ts';

const CONFIG: Readonly<Record<string, ZodType>> = { slots: slotsSchema, rules: rulesSchema };

/** The body with `slots` and `rules` (when present) replaced by their parsed values; throws 400 on any problem. */
export function checkFacilityConfig<B extends Readonly<Record<string, unknown>>>(body: B): B {
  const out: Record<string, unknown> = { ...body };
  const errors: FieldErrors = {};
  for (const [field, schema] of Object.entries(CONFIG)) {
    if (!(field in body)) continue;
    const parsed = schema.safeParse(body[field]);
    if (parsed.success) out[field] = parsed.data;
    else Object.assign(errors, zodToFieldErrors(parsed.error, field));
  }
  if (Object.keys(errors).length) throw validation(errors);
  return out as B;
}

/** Applies a validated partial update and answers the row as the generic retrieve would. */
export async function updateFacility(trx: Knex, ctx: RequestContext, id: string, body: Readonly<Record<string, unknown>>) {
  const codec = codecOf(R.facilities);
  const values = codec.toColumns(checkFacilityConfig(body));
  await trx(R.facilities.table)
    .where({ id })
    .update({ ...values, updated_at: trx.fn.now() });
  return (await loadRow(trx, R.facilities, ctx, id)).row;
}
