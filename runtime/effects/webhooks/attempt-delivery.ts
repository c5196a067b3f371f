/**
 * One delivery attempt of a webhook outbox row, the same for every service: read the signing secret
 * (sealed at rest; one that cannot be read fails this attempt only), POST the signed body, and decide
 * what becomes of the row — delivered, retried after an exponential back-off (base·2^(n-1), capped),
 * or failed for good (dead letter) after MAX_ATTEMPTS, once the webhook is gone, or when the egress
 * policy refuses its address (retrying would be refused again). The rows
 * themselves (tables, columns, attempt logs) stay with each service.
 */
import { postSignedWebhook, type SignedPost } from './post-signed.ts';

export const MAX_ATTEMPTS = 8;

export function backoffMs(attempt: number, base = 30_000, max = 6 * 3600_000): number {
  return Math.min(max, base * 2 ** (attempt - 1));
}

export interface DeliveryAttempt extends Omit<SignedPost, 'url' | 'secret'> {
  /** This attempt's number, 1 for the first. */
  readonly attempt: number;
  /** The webhook's URL, or null when the webhook is gone (removed or disabled): the delivery fails for good. */
  readonly url: string | null;
  /** The plaintext signing secret; null when there is none, a throw when it cannot be unsealed. */
  readonly secret: () => string | null | Promise<string | null>;
  /** The error recorded when the webhook is gone or has no secret. */
  readonly goneError: string;
  readonly backoff?: { readonly baseMs?: number; readonly maxMs?: number };
  /** The service's clock (tests pin it); default the system clock. */
  readonly now?: () => Date;
}

export interface DeliveryOutcome {
  /** HTTP status, or null when no answer came. */
  readonly code: number | null;
  /** Null when delivered. */
  readonly error: string | null;
  readonly durationMs: number;
  readonly status: 'delivered' | 'pending' | 'failed';
  /** When to try again; null once delivered or failed. */
  readonly retryAt: Date | null;
  /** When the attempt ended. */
  readonly at: Date;
}

export async function attemptDelivery(d: DeliveryAttempt): Promise<DeliveryOutcome> {
  const started = Date.now();
  let code: number | null = null;
  let error: string | null = d.goneError;
  let refused = false;
  if (d.url !== null) {
    let secret: string | null = null;
    try {
      secret = await d.secret();
    } catch (e) {
      // A secret sealed under another key fails this attempt (logged, retried), not the worker.
      error = (e as Error).message;
    }
    if (secret !== null) ({ code, error, refused = false } = await postSignedWebhook({ ...d, url: d.url, secret }));
  }
  const at = d.now?.() ?? new Date();
  const done = error === null;
  const dead = !done && (d.attempt >= MAX_ATTEMPTS || d.url === null || refused);
  return {
    code,
    error,
    durationMs: Date.now() - started,
    status: done ? 'delivered' : dead ? 'failed' : 'pending',
    retryAt: done || dead ? null : new Date(at.getTime() + backoffMs(d.attempt, d.backoff?.baseMs, d.backoff?.maxMs)),
    at,
  };
}
