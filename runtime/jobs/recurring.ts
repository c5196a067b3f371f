/**
 * A recurring drain on the job engine, for outboxes whose rows carry their own claim and back-off
 * (RoomLoop webhook deliveries, the mail outbox): one job per queue runs `round` and, when done,
 * queues the next one `everySeconds` later. The queue is `stately` (at most one job queued and one
 * running across every process on the database), so N processes run one round at a time between
 * them instead of N polling loops; a process that dies mid-round leaves the job to expire, and a
 * per-minute cron schedule of the same queue (deduplicated by the policy) restarts the chain.
 * Replaces runtime/effects/poll-worker.ts's in-process timers.
 */
import type { Knex } from 'knex';
import { jobEngineOf, type JobEngine } from './job-engine.ts';
import { startJobEngine } from './pg-boss-engine.ts';

export interface RecurringJob {
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export interface RecurringOptions {
  /** Queue name, service-prefixed (`roomloop.webhook-drain`). */
  readonly queue: string;
  readonly everySeconds: number;
  /** One round; a throw is logged and the chain goes on. */
  round(): Promise<unknown>;
}

export function startRecurring(db: Knex, opts: RecurringOptions): RecurringJob {
  let stopped = false;
  let owned: JobEngine | null = null;
  let shared: JobEngine | null = null;
  const every = Math.max(0.5, opts.everySeconds);
  const ready = (async () => {
    let engine = jobEngineOf(db);
    if (!engine) engine = owned = await startJobEngine(db);
    else shared = engine;
    // A round is never retried as such: the next one comes anyway.
    await engine.queue(opts.queue, { policy: 'stately', retryLimit: 0, expireInSeconds: 300 });
    await engine.work(
      opts.queue,
      async () => {
        try {
          await opts.round();
        } catch (e) {
          console.error(`[${opts.queue}]`, (e as Error).message);
        } finally {
          if (!stopped) await engine.send(opts.queue, {}, { startAfterSeconds: every });
        }
      },
      { pollingIntervalSeconds: every },
    );
    await engine.schedule(opts.queue, '* * * * *');
    await engine.send(opts.queue, {});
  })();
  ready.catch((e) => console.error(`[${opts.queue}] could not start:`, (e as Error).message));
  return {
    ready,
    async stop() {
      stopped = true;
      await ready.catch(() => undefined);
      await shared?.unwork(opts.queue);
      await owned?.stop();
    },
  };
}
