/**
 * Create and update of scheduled jobs (spec/platform/scheduled-jobs.yaml `handlers:`): the generic
 * write plus what the scheduler needs — the cron expression checked by the cron library (400 in the
 * platform's validation body, naming the reason), a job is either recurring (cron_expression) or
 * once (run_at), its action_type is a step the runtime performs, and `next_run_at` follows the
 * schedule (recomputed when the schedule or `enabled` changes; null while disabled). An
 * action_config.url the egress policy refuses is a 400 too (runtime/effects/egress/url-policy.ts).
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { type FieldErrors, notFound, validation } from '../../http/api-error.ts';
import { codecOf } from '../../crud/row-codec.ts';
import { newId } from '../../security/random-ids.ts';
import { scheduledJobsScheduledJobResource } from '../../../generated/platform/server/scheduled-jobs.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';
import { STEP_TYPES } from '../automation/steps.ts';
import { jsonValue, refusedUrlFields } from '../../effects/egress/url-policy.ts';
import { T } from '../tables.ts';
import { cronError, nextRun } from './cron.ts';

const codec = codecOf(scheduledJobsScheduledJobResource);

/** The state a job would have after the write, checked as a whole (a PATCH may change one field of several). */
function check(job: Record<string, unknown>): void {
  const errors: FieldErrors = {};
  if (job.cron_expression !== null && job.cron_expression !== undefined) {
    const why = cronError(job.cron_expression);
    if (why) errors.cron_expression = [why];
    if (job.run_at !== null && job.run_at !== undefined)
      errors.run_at = ['a job runs either on cron_expression (recurring) or once at run_at, not both; set the other to null'];
  }
  if (job.action_type !== null && job.action_type !== undefined && !(STEP_TYPES as readonly unknown[]).includes(job.action_type))
    errors.action_type = [`must be one of ${STEP_TYPES.join(', ')}`];
  // A URL the egress policy refuses (metadata, link-local; private under LOOP_EGRESS_PRIVATE=deny).
  const config = jsonValue(job.action_config);
  if (config && typeof config === 'object')
    Object.assign(errors, refusedUrlFields({ 'action_config.url': (config as { url?: unknown }).url }));
  if (Object.keys(errors).length) throw validation(errors);
}

function nextRunAt(job: Record<string, unknown>, now: Date): Date | null {
  if (job.enabled === false) return null;
  if (typeof job.cron_expression === 'string') return nextRun(job.cron_expression, now);
  if (job.run_at) return new Date(job.run_at as string);
  return null;
}

async function readOne(a: ActionContext, id: string) {
  const [row] = await a
    .trx(T.scheduledJobs)
    .where({ id, company_id: tenantOf(a) })
    .select(codec.select(a.trx));
  if (!row) throw notFound();
  return codec.toWire(row);
}

export const jobActions = {
  create: async (a) => {
    const body = bodyOf(a);
    const values = codec.toColumns(body);
    for (const c of codec.writable) {
      if (!(c.column in values) && c.default !== undefined) values[c.column] = codec.toColumns({ [c.name]: c.default })[c.column];
    }
    check(values);
    const id = newId('job');
    await a.trx(T.scheduledJobs).insert({
      ...values,
      id,
      company_id: tenantOf(a),
      next_run_at: nextRunAt(values, new Date()),
      created_by: actorOf(a),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: await readOne(a, id) };
  },
  update: async (a) => {
    const id = param(a, 'id');
    const before = await a
      .trx(T.scheduledJobs)
      .where({ id, company_id: tenantOf(a) })
      .forUpdate()
      .first();
    if (!before) throw notFound();
    const changes = codec.toColumns(bodyOf(a));
    const after = { ...before, ...changes };
    check(after);
    const schedule = ['cron_expression', 'run_at', 'enabled'].some((k) => k in changes);
    await a
      .trx(T.scheduledJobs)
      .where({ id, company_id: tenantOf(a) })
      .update({ ...changes, ...(schedule ? { next_run_at: nextRunAt(after, new Date()) } : {}), updated_at: a.trx.fn.now() });
    return { body: await readOne(a, id) };
  },
} satisfies Record<string, ActionHandler>;
