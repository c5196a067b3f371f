/**
 * The `http_request` step (and `webhook` with a `url`): one outbound HTTP call from an automation,
 * scheduled job or declarative function. A 2xx answer succeeds and its body is the step's result
 * (later steps read `{{steps.N.body.x}}`); no answer, a timeout, 408, 429 or 5xx fails retryably (the
 * automation run is retried with back-off, then dead-lettered); any other answer fails for good, as
 * repeating the same request would get the same answer. The call goes through the egress policy
 * (runtime/effects/egress): an address it refuses fails the step for good, since a retry would be
 * refused again.
 */
import { type EgressResponse, egressFetch, egressRefusal } from '../../effects/egress/egress-fetch.ts';
import { StepError } from './step-error.ts';

export const HTTP_TIMEOUT_MS = 10_000;
const MAX_BODY_CHARS = 4000;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export async function httpStep(step: Record<string, unknown>): Promise<Record<string, unknown>> {
  const url = typeof step.url === 'string' ? step.url : '';
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new StepError('url must be an http(s) URL', false);
  const method = String(step.method ?? 'POST').toUpperCase();
  if (!METHODS.includes(method)) throw new StepError(`method must be one of ${METHODS.join(', ')}`, false);
  const headers: Record<string, string> = { 'user-agent': 'Platform-Automations/1' };
  if (step.headers && typeof step.headers === 'object' && !Array.isArray(step.headers))
    for (const [k, v] of Object.entries(step.headers)) headers[k.toLowerCase()] = String(v);
  const payload = step.body === undefined ? (step.data ?? null) : step.body;
  const hasBody = method !== 'GET' && method !== 'DELETE' && payload !== null;
  if (hasBody) headers['content-type'] ??= 'application/json';
  let res: EgressResponse;
  try {
    res = await egressFetch(url, {
      method,
      headers,
      body: hasBody ? (typeof payload === 'string' ? payload : JSON.stringify(payload)) : undefined,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (e) {
    const refused = egressRefusal(e);
    if (refused) throw new StepError(`${method} ${url} refused: ${refused.message}`, false);
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    throw new StepError(`${method} ${url} got no answer (${cause ?? (e as Error).name})`, true);
  }
  const text = (await res.text()).slice(0, MAX_BODY_CHARS);
  if (!res.ok) {
    const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
    throw new StepError(`${method} ${url} answered ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`, retryable);
  }
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      // A truncated or malformed JSON answer stays text.
    }
  }
  return { status: res.status, body };
}
