/**
 * Sends webhook deliveries: POST of the JSON payload signed like RoomLoop's webhooks
 * (runtime/roomloop/webhooks/signature.ts, `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`)
 * in `Platform-Signature`, with `Platform-Event` and `Platform-Delivery`. Every attempt updates the
 * delivery row (attempts, response_code, error, duration); failures back off exponentially and
 * become `failed` after MAX_ATTEMPTS. The signing secret is stored sealed (runtime/secrets/seal.ts)
 * in a pf_records row of kind `webhook_secret`; a secret that cannot be unsealed fails the attempt.
 */
import type { Knex } from 'knex';
import { postSignedWebhook } from '../../effects/webhooks/post-signed.ts';
import { backoffMs } from '../../roomloop/webhooks/delivery-worker.ts';
import { DELIVERIES, WEBHOOKS } from './emit-event.ts';
import { unseal } from '../../secrets/seal.ts';

export const SIGNATURE_HEADER = 'Platform-Signature';
export const MAX_ATTEMPTS = 8;

export interface DeliverOptions {
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
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
  const body = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload);
  const n = Number(d.attempts) + 1;
  const started = Date.now();
  let code: number | null = null;
  let error: string | null = null;
  // Wrong key or an altered row: recorded on the delivery (and retried) rather than thrown at the worker.
  const secret = await webhookSecret(db, d.webhook_id).catch((e: Error) => e);
  if (secret instanceof Error) {
    error = secret.message;
  } else if (!hook || !secret) {
    error = 'webhook removed';
  } else {
    ({ code, error } = await postSignedWebhook({
      url: hook.url,
      secret,
      body,
      timestamp: Math.floor(Date.now() / 1000),
      signatureHeader: SIGNATURE_HEADER,
      headers: { 'User-Agent': 'Platform-Webhooks/1', 'Platform-Event': d.event, 'Platform-Delivery': d.id },
      timeoutMs: opts.timeoutMs,
      fetch: opts.fetch,
    }));
  }
  const now = new Date();
  const done = error === null;
  const dead = !done && (n >= MAX_ATTEMPTS || !hook);
  await db(DELIVERIES).where({ id: d.id }).update({
    attempts: n, response_code: code, error, duration_ms: Date.now() - started,
    status: done ? 'delivered' : dead ? 'failed' : 'pending',
    delivered_at: done ? now : null,
    next_attempt_at: done || dead ? null : new Date(now.getTime() + backoffMs(n)),
    updated_at: now,
  });
  return db(DELIVERIES).where({ id: d.id }).first();
}

/** Sends every due pending delivery once (all tenants). Returns how many were attempted. */
export async function deliverDue(db: Knex, opts: DeliverOptions & { batch?: number } = {}): Promise<number> {
  const due = await db(DELIVERIES).where({ status: 'pending' }).where('next_attempt_at', '<=', new Date()).orderBy('next_attempt_at').limit(opts.batch ?? 20).select('id');
  for (const d of due) await attemptDelivery(db, d.id, opts);
  return due.length;
}

/** Polls for due deliveries until stopped; for the service wiring's `start` hook. */
export function startWebhookWorker(db: Knex, opts: DeliverOptions & { intervalMs?: number } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout;
  const tick = () => {
    if (stopped) return;
    running = deliverDue(db, opts)
      .catch((e) => console.error('platform webhooks:', (e as Error).message))
      .finally(() => { if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 2000); });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
