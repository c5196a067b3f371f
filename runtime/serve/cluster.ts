/**
 * `loopgen serve --workers N` (node:cluster): the primary prepares the database once (migrations, seed),
 * then forks N workers that share the listening port (the primary hands connections out round-robin).
 * A worker that dies is replaced (after a pause that grows while workers keep dying young, so a crash at
 * start-up does not spin). SIGTERM / SIGINT are forwarded: each worker drains its requests in flight
 * (runtime/observability/shutdown.ts) and exits; the primary exits once all have, 0 when all exited 0.
 * A second signal kills the workers at once.
 *
 * Nothing in the request path may keep state another process needs: PostgreSQL holds it (docs/performance.md
 * lists the in-process caches and how stale each may be).
 */
import cluster, { type Worker } from 'node:cluster';

export interface ListeningMessage {
  readonly type: 'loopgen:listening';
  readonly url: string;
  readonly pid: number;
}

/** In a worker: tells the primary it serves `url` (the primary prints the banner once). */
export function announceListening(url: string): void {
  if (cluster.isWorker) process.send?.({ type: 'loopgen:listening', url, pid: process.pid } satisfies ListeningMessage);
}

export interface PrimaryOptions {
  readonly workers: number;
  /** Called once, when the first worker listens. */
  readonly onListening?: (url: string) => void;
  readonly log?: (line: string) => void;
}

export function runPrimary(opts: PrimaryOptions): Promise<number> {
  const log = opts.log ?? ((l: string) => console.log(l));
  let stopping = false;
  let announced = false;
  let quickDeaths = 0;
  let worst = 0;
  const started = new Map<Worker, number>();

  const fork = () => {
    const w = cluster.fork();
    started.set(w, Date.now());
    w.on('message', (m: ListeningMessage) => {
      if (m?.type !== 'loopgen:listening') return;
      if (!announced) {
        announced = true;
        opts.onListening?.(m.url);
      }
      log(`  worker ${m.pid} listening`);
    });
  };

  return new Promise<number>((resolve) => {
    cluster.on('exit', (w, code, signal) => {
      const lived = Date.now() - (started.get(w) ?? 0);
      started.delete(w);
      if (code !== 0 && code !== null) worst = Math.max(worst, code);
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(worst);
        return;
      }
      quickDeaths = lived < 10_000 ? quickDeaths + 1 : 0;
      const delay = Math.min(30_000, quickDeaths ? 500 * 2 ** (quickDeaths - 1) : 0);
      log(`loopgen serve: worker ${w.process.pid} exited (${signal ?? `code ${code}`}); starting another${delay ? ` in ${delay} ms` : ''}`);
      setTimeout(() => !stopping && fork(), delay).unref();
    });
    const stop = (signal: NodeJS.Signals) => {
      const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
      if (stopping) {
        for (const w of workers) w.process.kill('SIGKILL');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      stopping = true;
      log(`loopgen serve: ${signal}: draining ${workers.length} worker(s)`);
      if (workers.length === 0) resolve(worst);
      for (const w of workers) w.process.kill('SIGTERM');
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    for (let i = 0; i < opts.workers; i++) fork();
  });
}
