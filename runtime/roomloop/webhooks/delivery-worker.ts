/**
 * Delivers outbox rows. Claiming is a short transaction (`FOR UPDATE SKIP LOCKED`, so several
 * workers or processes never take the same row) that pushes `next_attempt_at` out by a lease;
 * the HTTP call happens outside any transaction, and a worker that dies mid-call simply lets the
 * lease expire and the row is retried. Failures back off exponentially (base·2^(n-1), capped);
 * after MAX_ATTEMPTS the row is `failed` (dead letter). Every attempt is logged. The signing secret
 * is stored sealed (runtime/secrets/seal.ts); one that cannot be unsealed fails the attempt.
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { newId } from '../ids.ts';
import { now } from '../clock.ts';
import { postSignedWebhook } from '../../effects/webhooks/post-signed.ts';
import { SIGNATURE_HEADER } from './signature.ts';
import { unseal } from '../../secrets/seal.ts';

export const MAX_ATTEMPTS = 8;
const LEASE_MS = 60_000;

export interface DeliveryOptions {
  readonly fetch?: typeof fetch;
  readonly batch?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly timeoutMs?: number;
}

export function backoffMs(attempt: number, base = 30_000, max = 6 * 3600_000): number {
  return Math.min(max, base * 2 ** (attempt - 1));
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
      .whereIn('id', due.map((d) => d.id))
      .update({ next_attempt_at: new Date(at.getTime() + LEASE_MS), updated_at: at })
      .returning(['id', 'webhook_id', 'event_id', 'event_type', 'payload', 'attempts'])) as Claimed[];
  });
  for (const d of claimed) await attempt(db, d, opts);
  return claimed.length;
}

async function attempt(db: Knex, d: { id: string; webhook_id: string; event_id: string; event_type: string; payload: string; attempts: number }, opts: DeliveryOptions) {
  const hook = await db(T.webhooks).where({ id: d.webhook_id }).first('url', 'secret', 'active');
  const n = Number(d.attempts) + 1;
  const started = Date.now();
  let code: number | null = null;
  let error: string | null = null;
  if (!hook || !hook.active) {
    error = 'webhook removed or disabled';
  } else {
    const t = Math.floor(now().getTime() / 1000);
    // A secret sealed under another key fails this attempt (logged, retried), not the worker.
    let secret: string | null = null;
    try {
      secret = unseal(hook.secret);
    } catch (e) {
      error = (e as Error).message;
    }
    if (secret !== null) ({ code, error } = await postSignedWebhook({
      url: hook.url,
      secret,
      body: d.payload,
      timestamp: t,
      signatureHeader: SIGNATURE_HEADER,
      headers: { 'User-Agent': 'RoomLoop-Webhooks/1', 'RoomLoop-Event': d.event_type, 'RoomLoop-Delivery': d.id },
      timeoutMs: opts.timeoutMs,
      fetch: opts.fetch,
    }));
  }
  const at = now();
  await db.transaction(async (trx) => {
    await trx(T.attempts).insert({ id: newId('wha', 8), delivery_id: d.id, attempt: n, response_code: code, error, duration_ms: Date.now() - started, created_at: at, updated_at: at });
    const done = error === null;
    const dead = !done && (n >= MAX_ATTEMPTS || !hook || !hook.active);
    await trx(T.deliveries).where({ id: d.id }).update({
      attempts: n,
      status: done ? 'delivered' : dead ? 'failed' : 'pending',
      delivered_at: done ? at : null,
      next_attempt_at: done || dead ? at : new Date(at.getTime() + backoffMs(n, opts.baseDelayMs, opts.maxDelayMs)),
      updated_at: at,
    });
  });
}

/** Polls the outbox every `intervalMs` until stopped (started by the service's wiring). */
export function startDeliveryWorker(db: Knex, opts: DeliveryOptions & { intervalMs?: number } = {}): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    running = deliverDue(db, opts)
      .catch((e) => console.error('roomloop webhooks:', (e as Error).message))
      .finally(() => { if (!stopped) timer = setTimeout(tick, opts.intervalMs ?? 2000); });
  };
  let timer: NodeJS.Timeout = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
