/**
 * JobEngine on pg-boss 10 (https://github.com/timgit/pg-boss; the 10.x line runs on Node 20 and
 * PostgreSQL 13+). pg-boss uses the service's Knex handle through knex-executor.ts: one pool on
 * PostgreSQL, and on embedded PGlite the one connection Knex owns — pg-boss's tables, SKIP LOCKED
 * fetches and schema migrations run on PGlite unchanged, so `serve` behaves the same on both.
 */
import type { Knex } from 'knex';
import PgBoss from 'pg-boss';
import { knexExecutor } from './knex-executor.ts';
import { registerJobEngine, type JobEngine, type QueueOptions } from './job-engine.ts';

export interface StartJobEngineOptions {
  /** pg-boss's schema; default `pgboss` (queue names carry the service, so services may share it). */
  readonly schema?: string;
  /** Cron schedules (pg-boss's clock monitor); default on. */
  readonly schedules?: boolean;
}

export async function startJobEngine(db: Knex, opts: StartJobEngineOptions = {}): Promise<JobEngine> {
  const boss = new PgBoss({
    db: knexExecutor(db),
    schema: opts.schema ?? 'pgboss',
    schedule: opts.schedules !== false,
    // Completed jobs are kept a day (the delivery rows are the long-lived record).
    deleteAfterDays: 1,
  });
  boss.on('error', (e) => console.error('[jobs]', e.message));
  await startOnce(boss);
  const workers = new Map<string, string[]>();
  const queues = new Set<string>();

  const engine: JobEngine = {
    kind: 'pg-boss',
    async queue(name, q: QueueOptions = {}) {
      // pg-boss checks the type of every key present, so absent options are left out.
      const options = defined({
        name,
        retryLimit: q.retryLimit,
        retryDelay: q.retryDelaySeconds,
        retryBackoff: q.retryBackoff,
        expireInSeconds: q.expireInSeconds,
        deadLetter: q.deadLetter,
        policy: q.policy,
      }) as PgBoss.Queue;
      if (q.deadLetter && !(await boss.getQueue(q.deadLetter))) await boss.createQueue(q.deadLetter).catch(ignoreExists);
      if (await boss.getQueue(name)) await boss.updateQueue(name, options);
      else await boss.createQueue(name, options).catch(ignoreExists);
      queues.add(name);
    },
    async send(queue, data, s = {}) {
      return boss.send(
        queue,
        data,
        defined({ db: s.trx ? knexExecutor(s.trx) : undefined, singletonKey: s.singletonKey, startAfter: s.startAfterSeconds }),
      );
    },
    async sendMany(queue, data, s = {}) {
      if (data.length === 0) return;
      await boss.insert(
        data.map((d) => ({ name: queue, data: d })),
        s.trx ? { db: knexExecutor(s.trx) } : {},
      );
    },
    async work(queue, handler, w = {}) {
      const ids: string[] = [];
      for (let i = 0; i < (w.concurrency ?? 1); i++) {
        ids.push(
          await boss.work<object>(
            queue,
            { pollingIntervalSeconds: w.pollingIntervalSeconds ?? 2, batchSize: w.batchSize ?? 1 },
            async (jobs) => {
              // pg-boss settles a whole batch with the handler's outcome: the failed jobs are failed here
              // (each to its own retry), and returning completes only the rest (those still active).
              const outcomes = await Promise.allSettled(jobs.map((job) => handler(job.data as never, { id: job.id })));
              const failed = jobs.filter((_, i) => outcomes[i]!.status === 'rejected');
              if (failed.length === jobs.length && jobs.length === 1) throw (outcomes[0] as PromiseRejectedResult).reason;
              for (const [i, job] of jobs.entries()) {
                const o = outcomes[i]!;
                if (o.status === 'rejected') await boss.fail(queue, job.id, { message: String((o.reason as Error)?.message ?? o.reason) });
              }
            },
          ),
        );
      }
      workers.set(queue, [...(workers.get(queue) ?? []), ...ids]);
    },
    async unwork(queue) {
      workers.delete(queue);
      await boss.offWork(queue);
    },
    async schedule(queue, cron, data) {
      await boss.schedule(queue, cron, data ?? {});
    },
    wake(queue) {
      for (const id of workers.get(queue) ?? []) boss.notifyWorker(id);
    },
    async size(queue) {
      return boss.getQueueSize(queue);
    },
    async stop(timeoutMs = 10_000) {
      registerJobEngine(db, undefined);
      // graceful: running jobs finish (up to the timeout); close: false, the Knex pool is the service's.
      await boss.stop({ graceful: true, close: false, wait: true, timeout: timeoutMs });
    },
  };
  registerJobEngine(db, engine);
  return engine;
}

/**
 * Starts pg-boss, which installs its schema on first use. Two processes starting on a new database
 * together race on CREATE SCHEMA and its tables (an error for the loser); the loser tries again and finds
 * the schema installed.
 */
/** unique_violation, duplicate_table, duplicate_object, deadlock_detected: another process installing at the same time. */
const INSTALL_RACE = new Set(['23505', '42P07', '42710', '40P01']);

async function startOnce(boss: PgBoss): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await boss.start();
      return;
    } catch (e) {
      if (!INSTALL_RACE.has(String((e as { code?: string }).code)) || attempt >= 5) throw e;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Two processes creating the same queue at once: the loser's insert hits the unique name. */
function ignoreExists(e: unknown): void {
  if ((e as { code?: string }).code !== '23505') throw e;
}
