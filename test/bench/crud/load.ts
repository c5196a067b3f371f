/** A timed load against one URL (autocannon in a child process): requests/s and what went wrong. */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface LoadTarget {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  /** JSON text; `[<id>]` is replaced by a fresh id per request. */
  readonly body?: string;
}

export interface LoadResult {
  readonly rps: number;
  readonly total: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
}

const WORKER = fileURLToPath(new URL('./load-worker.mjs', import.meta.url));

export function load(target: LoadTarget, opts: { connections: number; seconds: number }): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let result: LoadResult | undefined;
    child.once('message', (m) => (result = m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code}`))));
    child.send({ method: 'GET', ...target, ...opts });
  });
}
