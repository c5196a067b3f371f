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
  /** Cron schedules (pg-boss's clock monitor); off unless a caller schedules. */
  readonly schedules?: boolean;
}

export async function startJobEngine(db: Knex, opts: StartJobEngineOptions = {}): Promise<JobEngine> {
  const boss = new PgBoss({
    db: knexExecutor(db),
    schema: opts.schema ?? 'pgboss',
    schedule: opts.schedules === true,
    // Completed jobs are kept a day (the delivery rows are the long-lived record).
    deleteAfterDays: 1,
  });
  boss.on('error', (e) => console.error('[jobs]', e.message));
  await boss.start();
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
    async work(queue, handler, w = {}) {
      const ids: string[] = [];
      for (let i = 0; i < (w.concurrency ?? 1); i++) {
        ids.push(
          await boss.work<object>(queue, { pollingIntervalSeconds: w.pollingIntervalSeconds ?? 2, batchSize: 1 }, async (jobs) => {
            for (const job of jobs) await handler(job.data as never, { id: job.id });
          }),
        );
      }
      workers.set(queue, [...(workers.get(queue) ?? []), ...ids]);
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

function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Two processes creating the same queue at once: the loser's insert hits the unique name. */
function ignoreExists(e: unknown): void {
  if ((e as { code?: string }).code !== '23505') throw e;
}
