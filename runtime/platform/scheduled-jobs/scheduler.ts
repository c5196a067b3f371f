/**
 * The scheduled-job ticker. Each tick runs every enabled job whose `next_run_at` has come, once:
 * in one transaction per job it locks the row (FOR UPDATE SKIP LOCKED, so another process ticking at
 * the same moment passes over it), moves `next_run_at` to the next cron occurrence after now (or to
 * null for a one-time job), runs the job's action and records the run. Whichever process claims a
 * job runs it; the others see the moved `next_run_at` once it commits (or skip the locked row before),
 * so any number of `serve` processes on one database run each occurrence at most once, and a process
 * dying mid-run rolls its claim back for the next tick to take. Missed occurrences (the server was
 * down) are not replayed one by one: the job runs once and continues from now.
 *
 * Due-ness is decided by the cron library (cron.ts) against the scheduler's clock, which tests inject.
 * Started from the platform wiring's `start` hook; `stop()` ends the loop and waits for the tick in
 * progress.
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { nextRun } from './cron.ts';
import { runJob } from './run-job.ts';

export interface SchedulerOptions {
  /** Milliseconds between ticks (default PLATFORM_SCHEDULER_INTERVAL_MS or 5000); 0: no timer, call `tick` yourself. */
  readonly intervalMs?: number;
  /** The clock (tests pin it). */
  readonly now?: () => Date;
  /** Jobs run per tick at most (the rest wait for the next tick). */
  readonly batch?: number;
}

export interface Scheduler {
  /** Runs the due jobs once; returns how many ran. */
  tick(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

const enabled = (q: Knex.QueryBuilder) => q.whereNull('enabled').orWhere('enabled', true);

function safeNext(expr: string, after: Date): Date | null {
  try {
    return nextRun(expr, after);
  } catch {
    return null; // an expression stored before validation existed: the job stops until it is fixed
  }
}

/** Jobs without a next_run_at that should have one (written before the scheduler existed): given one. */
async function adopt(db: Knex, now: Date): Promise<void> {
  const rows = await db(T.scheduledJobs)
    .whereNull('next_run_at')
    .where(enabled)
    .andWhere((q) => q.whereNotNull('cron_expression').orWhere((o) => o.whereNotNull('run_at').whereNull('last_run_at')))
    .select('id', 'cron_expression', 'run_at');
  for (const r of rows) {
    const next = r.cron_expression ? safeNext(String(r.cron_expression), now) : new Date(r.run_at);
    if (next) await db(T.scheduledJobs).where({ id: r.id }).whereNull('next_run_at').update({ next_run_at: next });
  }
}

/** Claims and runs one due job; false when none is due (or every due one is being run elsewhere). */
async function runOneDue(db: Knex, now: Date): Promise<boolean> {
  return db.transaction(async (trx) => {
    const job = await trx(T.scheduledJobs)
      .where('next_run_at', '<=', now)
      .where(enabled)
      .orderBy('next_run_at')
      .orderBy('id')
      .forUpdate()
      .skipLocked()
      .first();
    if (!job) return false;
    const due = new Date(job.next_run_at);
    const later = due > now ? due : now;
    const next = job.cron_expression ? safeNext(String(job.cron_expression), later) : null;
    await trx(T.scheduledJobs).where({ id: job.id }).update({ next_run_at: next, last_run_at: now, updated_at: trx.fn.now() });
    await runJob(trx, job, { trigger: 'schedule', now, scheduledFor: due });
    return true;
  });
}

export async function tickOnce(db: Knex, now: Date, batch = 100): Promise<number> {
  await adopt(db, now);
  let ran = 0;
  while (ran < batch && (await runOneDue(db, now))) ran++;
  return ran;
}

export function startScheduler(db: Knex, opts: SchedulerOptions = {}): Scheduler {
  const clock = opts.now ?? (() => new Date());
  const intervalMs = opts.intervalMs ?? (Number(process.env.PLATFORM_SCHEDULER_INTERVAL_MS) || 5000);
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = (now?: Date) => {
    const p = tickOnce(db, now ?? clock(), opts.batch);
    running = p.catch(() => undefined);
    return p;
  };
  const loop = () => {
    if (stopped) return;
    tick()
      .catch((e) => console.error('platform scheduler:', (e as Error).message))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, intervalMs);
      });
  };
  if (intervalMs > 0) timer = setTimeout(loop, 0);
  return {
    tick,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
