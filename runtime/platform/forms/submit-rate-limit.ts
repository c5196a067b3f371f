/**
 * "Rate-limited" (the public form submit of docs/api/platform-api.txt): each client IP may submit one
 * form PLATFORM_FORM_SUBMITS_PER_MINUTE times a minute (default 10; on PostgreSQL a minute that opens
 * at the first submission, in memory a bucket refilling one every 60/N s), counted per form and IP in
 * the shared rate-limit store (runtime/ratelimit/shared-rate-limit-store.ts: PostgreSQL, so every
 * `serve` process counts together; memory on PGlite, which is one process). Per IP and form, not per
 * form alone, so one client cannot shut a form for everyone. Over the limit: 429 RATE_LIMITED with
 * Retry-After, as a header and as `retry_after` in the error body.
 */
import { ApiError } from '../../http/api-error.ts';
import { sharedRateLimitStore } from '../../ratelimit/shared-rate-limit-store.ts';
import { perMinute } from '../../ratelimit/rate-limit-store.ts';
import type { ActionContext } from '../../runtime-api.ts';

export const DEFAULT_SUBMITS_PER_MINUTE = 10;

export function submitsPerMinute(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.PLATFORM_FORM_SUBMITS_PER_MINUTE);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_SUBMITS_PER_MINUTE;
}

export async function limitFormSubmit(a: ActionContext, formId: string): Promise<void> {
  const limit = submitsPerMinute();
  const r = await sharedRateLimitStore(a.ctx.db).take(`platform-form-submit:${formId}:${a.ctx.ip}`, perMinute(limit));
  if (r.allowed) return;
  throw new ApiError(
    429,
    'rate_limited',
    `This form takes ${limit} submissions a minute from one address; retry in ${r.retryAfterSeconds} s.`,
    {
      headers: { 'Retry-After': String(r.retryAfterSeconds) },
      details: { retry_after: r.retryAfterSeconds },
    },
  );
}
