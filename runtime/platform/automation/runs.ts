/**
 * Things that run: automation trigger, scheduled-job execute, declarative function execute and
 * integration sync. Each records a run row (pf_records: automation_runs, job_runs, function_logs,
 * sync_logs) listed by the existing log endpoints. Steps are runtime/platform/automation/steps.ts —
 * a fixed set of effects, never user code.
 */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { notFound, notImplemented, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { holds, render } from '../automation/conditions.ts';
import { STEP_TYPES, recordRun, runSteps } from '../automation/steps.ts';
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
    else run = { ...(await runSteps(a.trx, tenantOf(a), auto.actions, ctx, actorOf(a))) };
    const runId = await recordRun(a.trx, tenantOf(a), 'automation_runs', auto.id, { trigger: 'manual', input: data, ...run }, actorOf(a));
    return { body: { run_id: runId, ...run } };
  },
  /** Runs the job's single action now: action_type is a step type, action_config its fields. */
  executeScheduledJob: async (a) => {
    const job = await rowOf(a, T.scheduledJobs, 'job_id', 'Scheduled job');
    const type = String(job.action_type ?? '');
    if (!(STEP_TYPES as readonly string[]).includes(type))
      throw validation({ action_type: [`must be one of ${STEP_TYPES.join(', ')} to run here`] });
    const ctx = { job: { id: job.id, name: job.name }, data: asObject(bodyOf(a).data), now: new Date().toISOString() };
    const run = await runSteps(a.trx, tenantOf(a), [{ ...asObject(job.action_config), type }], ctx, actorOf(a));
    const runId = await recordRun(a.trx, tenantOf(a), 'job_runs', job.id, { trigger: 'manual', ...run }, actorOf(a));
    return { body: { run_id: runId, job_id: job.id, ...run } };
  },
  /**
   * Only `runtime: declarative` functions run: `code` is JSON `{steps: [...], output?: template}`.
   * JavaScript or other code is refused — this server has no sandbox and never evaluates user code.
   */
  executeFunction: async (a) => {
    const fn = await rowOf(a, T.functions, 'function_id', 'Function');
    if (String(fn.runtime ?? '').toLowerCase() !== 'declarative') {
      throw notImplemented(
        `Function runtime "${fn.runtime ?? '(none)'}" needs a code sandbox (an isolated worker with CPU/memory limits), which this server does not have; it never evaluates user code. Set runtime to "declarative" with code = JSON {"steps": [...], "output": ...} using steps ${STEP_TYPES.join(', ')}.`,
        'function_runtime_unavailable',
      );
    }
    let def: Record<string, unknown>;
    try {
      def = asObject(JSON.parse(String(fn.code ?? '{}')));
    } catch {
      throw validation({ code: ['must be JSON {"steps": [...], "output": ...} for the declarative runtime'] });
    }
    if (fn.enabled === false) throw validation({ enabled: ['the function is disabled'] });
    const input = bodyOf(a).input ?? {};
    const run = await runSteps(a.trx, tenantOf(a), def.steps, { input }, actorOf(a));
    const output = run.status === 'succeeded' ? render(def.output ?? null, { input, steps: run.steps.map((s) => s.result) }) : null;
    const logId = await recordRun(a.trx, tenantOf(a), 'function_logs', fn.id, { input, output, ...run }, actorOf(a));
    return { body: { execution_id: logId, output, ...run } };
  },
  /**
   * No connector to a remote system is wired here (that needs provider credentials in config_json
   * and an outbound client per provider). The sync request is recorded in the sync log as
   * `not_connected`, with what would enable it — never a pretend success.
   */
  syncIntegration: async (a) => {
    const integ = await rowOf(a, T.integrations, 'integration_id', 'Integration');
    const message = `No connector for provider "${integ.provider ?? '(none)'}" is installed on this server; a real sync needs the provider's credentials in config_json and a connector. Nothing was transferred.`;
    const runId = await recordRun(
      a.trx,
      tenantOf(a),
      'sync_logs',
      integ.id,
      { status: 'not_connected', direction: integ.sync_direction ?? null, records_synced: 0, message },
      actorOf(a),
    );
    return { status: 202, body: { sync_id: runId, status: 'not_connected', records_synced: 0, message } };
  },
} satisfies Record<string, ActionHandler>;
