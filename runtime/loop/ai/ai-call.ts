/**
 * Runs one AI task through the configured provider and writes its `ai_usage_logs` row in the
 * request transaction — for failures too. A failed call is therefore answered as a committed error
 * response (429 / 503 with the style's error body) rather than a thrown error, which would roll the
 * failure's log row back with everything else.
 */
import type { Knex } from 'knex';
import { aiUsageLogResource as usageLogs } from '../../../generated/loop/server/ai.ts';
import { ApiError } from '../../http/api-error.ts';
import { errorBody } from '../../http/render-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import { AiProviderError, providerFromEnv, type AiCompletion, type AiTask } from '../../effects/ai/provider.ts';
import { companyIdOf, userIdOf } from '../files/assets.ts';

export interface AiOutcome {
  readonly completion: AiCompletion;
  readonly usageLogId: number;
  readonly usage: { prompt_tokens: number; completion_tokens: number; cost: string; provider: string; model: string };
}

/** Price per 1,000 tokens from the environment (default 0: unknown pricing is not guessed). */
function cost(c: { promptTokens: number; completionTokens: number }, env = process.env): string {
  const p = Number(env.LOOP_AI_PRICE_PROMPT_PER_1K) || 0;
  const q = Number(env.LOOP_AI_PRICE_COMPLETION_PER_1K) || 0;
  return ((c.promptTokens * p + c.completionTokens * q) / 1000).toFixed(6);
}

async function logUsage(trx: Knex, a: ActionContext, row: Record<string, unknown>): Promise<number> {
  const now = new Date();
  const [r] = await trx(usageLogs.table)
    .insert({
      company_id: companyIdOf(a.ctx),
      user_id: userIdOf(a.ctx),
      currency: 'USD',
      created_by: userIdOf(a.ctx),
      created_at: now,
      updated_at: now,
      ...row,
    })
    .returning('id');
  return Number(r.id ?? r);
}

/** The task's completion and its usage row, or the error response to send (already logged). */
export async function callAi(a: ActionContext, task: AiTask, sourceModule: string): Promise<AiOutcome | { failure: ActionResult }> {
  const provider = providerFromEnv();
  const started = performance.now();
  try {
    const completion = await provider.complete(task);
    const latency = Math.round(performance.now() - started);
    const c = cost(completion);
    const usageLogId = await logUsage(a.trx, a, {
      feature: task.feature,
      provider: completion.provider,
      model: completion.model.slice(0, 100),
      source_module: sourceModule,
      prompt_tokens: completion.promptTokens,
      completion_tokens: completion.completionTokens,
      cost: c,
      latency_ms: latency,
      status: 'succeeded',
    });
    return {
      completion,
      usageLogId,
      usage: {
        prompt_tokens: completion.promptTokens,
        completion_tokens: completion.completionTokens,
        cost: c,
        provider: completion.provider,
        model: completion.model,
      },
    };
  } catch (err) {
    if (!(err instanceof AiProviderError)) throw err;
    await logUsage(a.trx, a, {
      feature: task.feature,
      provider: provider.provider,
      model: provider.model.slice(0, 100),
      source_module: sourceModule,
      prompt_tokens: 0,
      completion_tokens: 0,
      cost: '0',
      latency_ms: Math.round(performance.now() - started),
      status: err.kind === 'rate_limited' ? 'rate_limited' : 'failed',
      error: err.message.slice(0, 2000),
    });
    const api =
      err.kind === 'rate_limited'
        ? new ApiError(429, 'ai_rate_limited', 'The AI provider is busy; try again shortly.', {
            headers: { 'Retry-After': String(err.retryAfterSeconds ?? 30) },
          })
        : new ApiError(503, 'ai_unavailable', `The AI provider is unavailable: ${err.message}`);
    return { failure: { status: api.status, body: errorBody(api, a.ctx.style, a.ctx.requestId), headers: api.headers } };
  }
}

/** Parses a model's JSON answer; null when it is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  const m = /\{[\s\S]*\}/.exec(text);
  if (!m) return null;
  try {
    const v = JSON.parse(m[0]);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
