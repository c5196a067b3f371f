/**
 * POST /v1/functions/:id/execute. `runtime: declarative` functions run their JSON steps
 * (runtime/platform/automation/runs.ts); JavaScript functions (`javascript`, `js`, `node`, `nodejs`,
 * `nodejs20`, …) run in the isolated-vm sandbox (./sandbox.ts): `code` is the body of
 * `async function (input, context)`, its return value (as JSON) is the output, console lines are the logs.
 * There is no Node API inside — no require/import, process, fs, network or timers.
 *
 * Every invocation is recorded in the function's logs (GET /v1/functions/:id/logs). A function that
 * throws answers 200 with status `failed` and the error, as a declarative step failure does; a limit
 * or code that cannot run answers 422 (FUNCTION_TIMEOUT, FUNCTION_MEMORY_LIMIT, FUNCTION_SYNTAX_ERROR,
 * FUNCTION_OUTPUT_TOO_LARGE, FUNCTION_ABORTED) with the execution id — returned, not thrown, so the
 * log row commits.
 */
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { ApiError, notFound, validation } from '../../http/api-error.ts';
import { errorBody } from '../../http/render-error.ts';
import { T } from '../tables.ts';
import { runActions } from '../automation/runs.ts';
import { recordRun } from '../automation/steps.ts';
import { actorOf, bodyOf, param, tenantOf } from '../http/action-context.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import { limitsFromEnv, runSandboxed } from './sandbox.ts';
import type { SandboxOutcome, SandboxReply } from './sandbox-protocol.ts';

const JAVASCRIPT = /^(javascript|js|node(js)?(\d+(\.x)?)?)$/;

const REFUSALS: Partial<Record<SandboxOutcome, { code: string; message: (r: SandboxReply, limit: string) => string }>> = {
  timeout: { code: 'function_timeout', message: (_, limit) => `The function ran longer than its time limit (${limit}) and was stopped.` },
  memory: {
    code: 'function_memory_limit',
    message: (_, limit) => `The function used more memory than its limit (${limit}) and was stopped.`,
  },
  syntax: { code: 'function_syntax_error', message: (r) => `The function's code does not compile: ${r.message}` },
  output: { code: 'function_output_too_large', message: (r) => r.message ?? 'The output is too large.' },
  crashed: { code: 'function_aborted', message: (r) => `${r.message} The server is unaffected; retrying runs it in a new sandbox.` },
};

function refusal(a: ActionContext, code: string, message: string, details: Record<string, unknown>): ActionResult {
  const body = errorBody(new ApiError(422, code, message, { details }), a.ctx.style, a.ctx.requestId);
  return { status: 422, buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}

async function runJavaScript(a: ActionContext, fn: Record<string, any>): Promise<ActionResult> {
  if (fn.enabled === false) throw validation({ enabled: ['the function is disabled'] });
  const input = bodyOf(a).input ?? {};
  const limits = limitsFromEnv();
  const r = await runSandboxed(
    {
      code: String(fn.code ?? ''),
      input: JSON.stringify(input),
      context: JSON.stringify({ function_id: fn.id, function_name: fn.name ?? null, tenant_id: tenantPublicId(tenantOf(a)) }),
    },
    limits,
  );
  const ok = r.kind === 'ok';
  const error = ok ? null : r.kind === 'error' ? `${r.name ?? 'Error'}: ${r.message ?? ''}` : (r.message ?? r.kind);
  const run = {
    status: ok ? ('succeeded' as const) : ('failed' as const),
    output: ok ? (r.output ?? null) : null,
    error,
    outcome: r.kind,
    logs: r.logs,
    logs_truncated: r.truncated,
    duration_ms: r.durationMs,
  };
  const executionId = await recordRun(
    a.trx,
    tenantOf(a),
    'function_logs',
    fn.id,
    { input, runtime: 'javascript', ...run, limits: { timeout_ms: limits.timeoutMs, memory_mb: limits.memoryMb } },
    actorOf(a),
  );
  const refused = REFUSALS[r.kind];
  if (refused) {
    const limit = r.kind === 'timeout' ? `${limits.timeoutMs} ms` : `${limits.memoryMb} MB`;
    return refusal(a, refused.code, refused.message(r, limit), {
      execution_id: executionId,
      logs: r.logs,
      limits: { timeout_ms: limits.timeoutMs, memory_mb: limits.memoryMb },
    });
  }
  return {
    body: {
      execution_id: executionId,
      output: run.output,
      status: run.status,
      steps: [],
      error,
      runtime: 'javascript',
      logs: r.logs,
      logs_truncated: r.truncated,
      duration_ms: r.durationMs,
    },
  };
}

export const executeFunction: ActionHandler = async (a) => {
  const fn = await a
    .trx(T.functions)
    .where({ company_id: tenantOf(a), id: param(a, 'function_id') })
    .first();
  if (!fn) throw notFound('Function not found.');
  const runtime = String(fn.runtime ?? '')
    .trim()
    .toLowerCase();
  if (runtime === 'declarative') return runActions.executeFunction(a);
  if (JAVASCRIPT.test(runtime)) return runJavaScript(a, fn);
  throw new ApiError(
    422,
    'function_runtime_unsupported',
    `Function runtime "${fn.runtime ?? '(none)'}" is not one this server runs. Use "javascript" (code: the body of async function (input, context), run in an isolated V8 sandbox without Node APIs) or "declarative" (code: JSON {"steps": [...], "output": ...}).`,
  );
};
