/**
 * Things that run: automation trigger, scheduled-job execute, declarative function execute and
 * integration sync (runtime/platform/integrations/sync.ts). Each records a run row (pf_records: automation_runs, job_runs, function_logs,
 * sync_logs) listed by the existing log endpoints. Steps are runtime/platform/automation/steps.ts —
 * a fixed set of effects, never user code.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { holds, render } from '../automation/conditions.ts';
import { STEP_TYPES, recordRun, runSteps } from '../automation/steps.ts';
import { nextCausation } from './causation.ts';
import { announceRun } from './run-event.ts';
import { runJob } from '../scheduled-jobs/run-job.ts';
import { syncIntegration } from '../integrations/sync.ts';
import { actorOf, asObject, bodyOf, param, tenantOf } from '../http/action-context.ts';

async function rowOf(a: ActionContext, table: string, p: string, label: string) {
  const row = await a
    .trx(table)
    .where({ company_id: tenantOf(a), id: param(a, p) })
    .first();
  if (!row) throw notFound(`${label} not found.`);
  return row;
}

export const runActions = {
  /** Conditions are checked against `{data, automation}`; unmet conditions record a skipped run. */
  triggerAutomation: async (a) => {
    const auto = await rowOf(a, T.automations, 'automation_id', 'Automation');
    const data = bodyOf(a).data ?? {};
    const ctx = { data, automation: { id: auto.id, name: auto.name }, trigger: 'manual' };
    let run: Record<string, unknown>;
    if (auto.enabled === false) run = { status: 'skipped', reason: 'automation is disabled', steps: [] };
    else if (!holds(auto.conditions, ctx)) run = { status: 'skipped', reason: 'conditions not met', steps: [] };
    else {
      // Events the run writes count as one automation hop, so a manual run that re-triggers itself is cut off too.
      const causation = nextCausation({ depth: 0, chain: [], root_event_id: null }, auto.id);
      const { retryable: _retryable, ...done } = await runSteps(a.trx, tenantOf(a), auto.actions, ctx, actorOf(a), { causation });
      run = done;
    }
    const runId = await recordRun(a.trx, tenantOf(a), 'automation_runs', auto.id, { trigger: 'manual', input: data, ...run }, actorOf(a));
    if (run.status !== 'skipped')
      await announceRun(a.trx, tenantOf(a), auto.id, runId, { trigger: 'manual', ...run }, { depth: 0, chain: [], root_event_id: null });
    return { body: { run_id: runId, ...run } };
  },
  /** Runs the job's single action now (runtime/platform/scheduled-jobs/run-job.ts), as the scheduler does on its times. */
  executeScheduledJob: async (a) => {
    const job = await rowOf(a, T.scheduledJobs, 'job_id', 'Scheduled job');
    const type = String(job.action_type ?? '');
    if (!(STEP_TYPES as readonly string[]).includes(type))
      throw validation({ action_type: [`must be one of ${STEP_TYPES.join(', ')} to run here`] });
    const { runId, run } = await runJob(a.trx, job, { trigger: 'manual', data: asObject(bodyOf(a).data), by: actorOf(a), now: new Date() });
    return { body: { run_id: runId, job_id: job.id, ...run } };
  },
  /**
   * A `runtime: declarative` function: `code` is JSON `{steps: [...], output?: template}`. The route
   * dispatches here by runtime (runtime/platform/functions/execute-function.ts runs JavaScript in its sandbox).
   */
  executeFunction: async (a) => {
    const fn = await rowOf(a, T.functions, 'function_id', 'Function');
    if (String(fn.runtime ?? '').toLowerCase() !== 'declarative') throw validation({ runtime: ['is not declarative'] });
    let def: Record<string, unknown>;
    try {
      def = asObject(JSON.parse(String(fn.code ?? '{}')));
    } catch {
      throw validation({ code: ['must be JSON {"steps": [...], "output": ...} for the declarative runtime'] });
    }
    if (fn.enabled === false) throw validation({ enabled: ['the function is disabled'] });
    const input = bodyOf(a).input ?? {};
    const { retryable: _retryable, ...run } = await runSteps(a.trx, tenantOf(a), def.steps, { input }, actorOf(a));
    const output = run.status === 'succeeded' ? render(def.output ?? null, { input, steps: run.steps.map((s) => s.result) }) : null;
    const logId = await recordRun(a.trx, tenantOf(a), 'function_logs', fn.id, { input, output, ...run }, actorOf(a));
    return { body: { execution_id: logId, output, ...run } };
  },
  syncIntegration,
} satisfies Record<string, ActionHandler>;
