/**
 * One run of a scheduled job: its single action (action_type is a step type, action_config the
 * step's fields; runtime/platform/automation/steps.ts) run in the caller's transaction and recorded
 * as a `job_runs` row (GET /v1/scheduled-jobs/:id/… lists them through the records of the job).
 * Used by POST /v1/scheduled-jobs/:id/execute (trigger `manual`) and by the scheduler (trigger
 * `schedule`, with the time it was due).
 */
import type { Knex } from 'knex';
import { asObject } from '../http/action-context.ts';
import { recordRun, runSteps, type RunResult } from '../automation/steps.ts';

export interface JobRunOptions {
  readonly trigger: 'manual' | 'schedule';
  readonly now: Date;
  /** The occurrence this run is for (schedule). */
  readonly scheduledFor?: Date | null;
  readonly data?: Record<string, unknown>;
  readonly by?: string | null;
}

export async function runJob(
  trx: Knex,
  job: Record<string, any>,
  opts: JobRunOptions,
): Promise<{ runId: string; run: Omit<RunResult, 'retryable'> }> {
  const type = String(job.action_type ?? '');
  const ctx = {
    job: { id: job.id, name: job.name },
    data: opts.data ?? {},
    now: opts.now.toISOString(),
    scheduled_for: opts.scheduledFor?.toISOString() ?? null,
  };
  const { retryable: _retryable, ...run } = await runSteps(
    trx,
    Number(job.company_id),
    [{ ...asObject(job.action_config), type }],
    ctx,
    opts.by ?? null,
  );
  const runId = await recordRun(
    trx,
    Number(job.company_id),
    'job_runs',
    job.id,
    { trigger: opts.trigger, scheduled_for: opts.scheduledFor?.toISOString() ?? null, ...run },
    opts.by ?? null,
  );
  return { runId, run };
}
