/**
 * The job engine every service's background work runs on (webhook deliveries, the mail and SMS
 * outboxes, the platform's event dispatch and automations): pg-boss (pg-boss-engine.ts) over the
 * service's own database handle, on PostgreSQL and on embedded PGlite alike. Jobs are rows in the
 * `pgboss` schema claimed with `FOR UPDATE SKIP LOCKED`, so any number of processes on one database
 * share a queue and each job runs in one of them at a time; a failed job is retried with back-off and,
 * past its retry limit, left `failed` (and copied to the queue's dead-letter queue when it names one).
 */
import type { Knex } from 'knex';

export interface QueueOptions {
  /** Retries after the first attempt (pg-boss `retryLimit`). */
  readonly retryLimit?: number;
  /** Seconds before the first retry; doubled each retry when `retryBackoff` (pg-boss, with jitter). */
  readonly retryDelaySeconds?: number;
  readonly retryBackoff?: boolean;
  /** A job still active after this long is considered lost (its process died) and retried. */
  readonly expireInSeconds?: number;
  /** Queue that receives a copy of each job that failed for good. */
  readonly deadLetter?: string;
  /**
   * pg-boss queue policy: `stately` keeps at most one job queued and one running (recurring drains),
   * `singleton` one running; default `standard`.
   */
  readonly policy?: 'standard' | 'singleton' | 'stately';
}

export interface SendOptions {
  /** Insert the job in this transaction: it exists exactly when the transaction commits. */
  readonly trx?: Knex;
  /** At most one queued job per key (pg-boss singletonKey). */
  readonly singletonKey?: string;
  readonly startAfterSeconds?: number;
}

export interface JobInfo {
  readonly id: string;
}

export type JobHandler<T> = (data: T, job: JobInfo) => Promise<unknown>;

export interface WorkOptions {
  /** How often an idle worker looks for jobs (at least 0.5 s); `wake` cuts the wait short. */
  readonly pollingIntervalSeconds?: number;
  /** Fetch loops of this queue in this process. */
  readonly concurrency?: number;
  /** Jobs one fetch claims and runs side by side; each still succeeds or fails (and retries) on its own. */
  readonly batchSize?: number;
}

export interface JobEngine {
  readonly kind: 'pg-boss';
  /** Creates the queue or updates its options. */
  queue(name: string, opts?: QueueOptions): Promise<void>;
  send<T extends object>(queue: string, data: T, opts?: SendOptions): Promise<string | null>;
  /** Many jobs in one statement (queue defaults apply), in `trx` when given. */
  sendMany<T extends object>(queue: string, data: readonly T[], opts?: { readonly trx?: Knex }): Promise<void>;
  /** Runs `handler` for the queue's jobs in this process; a throw fails the attempt (retried per the queue). */
  work<T extends object>(queue: string, handler: JobHandler<T>, opts?: WorkOptions): Promise<void>;
  /** Stops this process's workers of `queue` (the queue and its jobs stay). */
  unwork(queue: string): Promise<void>;
  /** A cron schedule sending `data` to the queue (at most once per tick across processes). */
  schedule(queue: string, cron: string, data?: object): Promise<void>;
  /** Tells this process's workers of `queue` to look for jobs now (after sending some). */
  wake(queue: string): void;
  /** Jobs of a queue by state (readiness, metrics, tests). */
  size(queue: string): Promise<number>;
  /** Stops fetching, waits for running jobs (up to `timeoutMs`), and detaches from the database. */
  stop(timeoutMs?: number): Promise<void>;
}

const engines = new WeakMap<Knex, JobEngine>();

/** The engine started on this database handle, if any (senders outside a worker use it). */
export function jobEngineOf(db: Knex): JobEngine | undefined {
  return engines.get(db);
}

export function registerJobEngine(db: Knex, engine: JobEngine | undefined): void {
  if (engine) engines.set(db, engine);
  else engines.delete(db);
}
