/**
 * One signed webhook POST, shared by RoomLoop's and the platform's delivery workers: the body is
 * signed `t=…,v1=HMAC-SHA256(secret, "{t}.{body}")` (signature.ts), redirects are not followed, and
 * the attempt is bounded by a timeout. It goes through the egress policy (runtime/effects/egress): an
 * address the policy refuses is reported as `refused`, which retrying cannot fix. Never throws: the outcome is returned so the caller can log
 * the attempt and schedule a retry.
 */
import { egressFetch, egressRefusal } from '../egress/egress-fetch.ts';
import { sign } from './signature.ts';

export interface SignedPost {
  readonly url: string;
  readonly secret: string;
  readonly body: string;
  /** Unix seconds put in the signature. */
  readonly timestamp: number;
  /** Header carrying the signature (each service names its own). */
  readonly signatureHeader: string;
  /** Service-specific headers (user agent, event name, delivery id). */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export interface PostOutcome {
  /** HTTP status, or null when no answer came. */
  readonly code: number | null;
  /** Null on a 2xx answer. */
  readonly error: string | null;
  /** Set when the egress policy refused the address: a failure for good. */
  readonly refused?: boolean;
}

export async function postSignedWebhook(p: SignedPost): Promise<PostOutcome> {
  try {
    const res = await (p.fetch ?? (egressFetch as unknown as typeof fetch))(p.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...p.headers, [p.signatureHeader]: sign(p.secret, p.timestamp, p.body) },
      body: p.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(p.timeoutMs ?? 10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    return { code: res.status, error: res.ok ? null : `HTTP ${res.status}` };
  } catch (e) {
    const refused = egressRefusal(e);
    if (refused) return { code: null, error: `refused: ${refused.message}`, refused: true };
    return { code: null, error: (e as Error).message || String(e) };
  }
}
