/**
 * Delivers outbox rows. Claiming is a short transaction (`FOR UPDATE SKIP LOCKED`, so several
 * workers or processes never take the same row) that pushes `next_attempt_at` out by a lease;
 * the HTTP call happens outside any transaction, and a worker that dies mid-call simply lets the
 * lease expire and the row is retried. Signing, back-off and dead letters are the shared delivery
 * attempt's (runtime/effects/webhooks/attempt-delivery.ts); every attempt is logged here. The signing
 * secret is stored sealed (runtime/secrets/seal.ts).
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { now } from '../clock.ts';
import { attemptDelivery } from '../../effects/webhooks/attempt-delivery.ts';
import { startRecurring } from '../../jobs/recurring.ts';
import { unseal } from '../../secrets/seal.ts';

export const SIGNATURE_HEADER = 'RoomLoop-Signature';
const LEASE_MS = 60_000;

export interface DeliveryOptions {
  readonly fetch?: typeof fetch;
  readonly batch?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
}

/** Claims due deliveries and attempts each once. Returns how many were attempted. */
export async function deliverDue(db: Knex, opts: DeliveryOptions = {}): Promise<number> {
  const at = now();
  type Claimed = { id: string; webhook_id: string; event_id: string; event_type: string; payload: string; attempts: number };
  const claimed: Claimed[] = await db.transaction(async (trx): Promise<Claimed[]> => {
    const due = await trx(T.deliveries)
      .where({ status: 'pending' })
      .where('next_attempt_at', '<=', at)
      .orderBy('next_attempt_at')
      .limit(opts.batch ?? 20)
      .forUpdate()
      .skipLocked()
      .select('id');
    if (due.length === 0) return [];
    return (await trx(T.deliveries)
      .whereIn(
        'id',
        due.map((d) => d.id),
      )
      .update({ next_attempt_at: new Date(at.getTime() + LEASE_MS), updated_at: at })
      .returning(['id', 'webhook_id', 'event_id', 'event_type', 'payload', 'attempts'])) as Claimed[];
  });
  for (const d of claimed) await attempt(db, d, opts);
  return claimed.length;
}

async function attempt(
  db: Knex,
  d: { id: string; webhook_id: string; event_id: string; event_type: string; payload: string; attempts: number },
  opts: DeliveryOptions,
) {
  const hook = await db(T.webhooks).where({ id: d.webhook_id }).first('url', 'secret', 'active');
  const n = Number(d.attempts) + 1;
  const o = await attemptDelivery({
    attempt: n,
    url: hook?.active ? hook.url : null,
    secret: () => unseal(hook.secret),
    goneError: 'webhook removed or disabled',
    body: d.payload,
    timestamp: Math.floor(now().getTime() / 1000),
    signatureHeader: SIGNATURE_HEADER,
    headers: { 'User-Agent': 'RoomLoop-Webhooks/1', 'RoomLoop-Event': d.event_type, 'RoomLoop-Delivery': d.id },
    timeoutMs: opts.timeoutMs,
    fetch: opts.fetch,
    backoff: { baseMs: opts.baseDelayMs, maxMs: opts.maxDelayMs },
    now,
  });
  const at = o.at;
  await db.transaction(async (trx) => {
    await trx(T.attempts).insert({
      id: newId('wha', 8),
      delivery_id: d.id,
      attempt: n,
      response_code: o.code,
      error: o.error,
      duration_ms: o.durationMs,
      created_at: at,
      updated_at: at,
    });
    await trx(T.deliveries)
      .where({ id: d.id })
      .update({
        attempts: n,
        status: o.status,
        delivered_at: o.status === 'delivered' ? at : null,
        next_attempt_at: o.retryAt ?? at,
        updated_at: at,
      });
  });
}

/** Polls the outbox every `intervalMs` until stopped (started by the service's wiring). */
/**
 * Delivers due rows in rounds run by the job engine (runtime/jobs/recurring.ts): one round at a time
 * across every process on the database, the next `intervalMs` after the last; for the wiring's `start` hook.
 */
export function startDeliveryWorker(db: Knex, opts: DeliveryOptions & { intervalMs?: number } = {}): { stop(): Promise<void> } {
  return startRecurring(db, {
    queue: 'roomloop.webhook-drain',
    everySeconds: (opts.intervalMs ?? 2000) / 1000,
    round: () => deliverDue(db, opts),
  });
}
