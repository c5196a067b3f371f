/**
 * Sends webhook deliveries (one job-engine job per pf_webhook_deliveries row, events/event-workers.ts): POST of the JSON payload signed `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`
 * in `Platform-Signature`, with `Platform-Event` and `Platform-Delivery`, through the shared delivery
 * attempt (runtime/effects/webhooks/attempt-delivery.ts: back-off, dead letters). Every attempt updates
 * the delivery row (attempts, response_code, error, duration). The signing secret is stored sealed
 * (runtime/secrets/seal.ts) in a pf_records row of kind `webhook_secret`.
 */
import type { Knex } from 'knex';
import { attemptDelivery as attemptSigned } from '../../effects/webhooks/attempt-delivery.ts';
import { DELIVERIES, WEBHOOKS } from './emit-event.ts';
import { unseal } from '../../secrets/seal.ts';
import { jobEngineOf } from '../../jobs/job-engine.ts';
import { dispatchAll } from '../events/dispatcher.ts';

export const SIGNATURE_HEADER = 'Platform-Signature';

export interface DeliverOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** First retry delay: the job engine's, so next_attempt_at shows when it will try again. */
  readonly backoffBaseMs?: number;
}

/** The webhook's signing secret in plaintext (sealed at rest; legacy plaintext rows still read). */
export async function webhookSecret(db: Knex, webhookId: string): Promise<string | null> {
  const row = await db('pf_records').where({ kind: 'webhook_secret', parent_id: webhookId }).first('data');
  const stored = (row?.data as { secret?: string } | undefined)?.secret;
  return stored ? unseal(stored) : null;
}

/** Attempts one delivery now; returns the updated row. */
export async function attemptDelivery(db: Knex, deliveryId: string, opts: DeliverOptions = {}): Promise<Record<string, any>> {
  const d = await db(DELIVERIES).where({ id: deliveryId }).first();
  const hook = await db(WEBHOOKS).where({ id: d.webhook_id }).first('url');
  const n = Number(d.attempts) + 1;
  const o = await attemptSigned({
    attempt: n,
    url: hook ? hook.url : null,
    secret: () => webhookSecret(db, d.webhook_id),
    goneError: 'webhook removed',
    body: typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload),
    timestamp: Math.floor(Date.now() / 1000),
    signatureHeader: SIGNATURE_HEADER,
    headers: { 'User-Agent': 'Platform-Webhooks/1', 'Platform-Event': d.event, 'Platform-Delivery': d.id },
    timeoutMs: opts.timeoutMs,
    fetch: opts.fetch,
    backoff: { baseMs: opts.backoffBaseMs },
  });
  await db(DELIVERIES)
    .where({ id: d.id })
    .update({
      attempts: n,
      response_code: o.code,
      error: o.error,
      duration_ms: o.durationMs,
      status: o.status,
      delivered_at: o.status === 'delivered' ? o.at : null,
      next_attempt_at: o.retryAt,
      updated_at: o.at,
    });
  return db(DELIVERIES).where({ id: d.id }).first();
}

/**
 * Sends every due pending delivery once (all tenants), in this call: for tests and operators. Running
 * services send through the job engine instead (events/event-workers.ts), which claims each delivery.
 */
export async function deliverDue(db: Knex, opts: DeliverOptions & { batch?: number } = {}): Promise<number> {
  // Committed events not yet turned into deliveries first — unless this process runs the workers, whose
  // dispatcher hands them to every consumer (automations too) and must stay the only one to mark them.
  if (!jobEngineOf(db)) await dispatchAll(db, null, []);
  const due = await db(DELIVERIES)
    .where({ status: 'pending' })
    .where('next_attempt_at', '<=', new Date())
    .orderBy('next_attempt_at')
    .limit(opts.batch ?? 20)
    .select('id');
  for (const d of due) await attemptDelivery(db, d.id, opts);
  return due.length;
}
