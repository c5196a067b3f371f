/**
 * The server's side of the function sandbox: one long-lived host process (./sandbox-host.ts, forked on
 * first use with `--no-node-snapshot`, which isolated-vm requires on Node 20+) that runs each
 * invocation in its own V8 isolate. Limits come from the environment:
 * - LOOP_FUNCTION_TIMEOUT_MS (default 1000, 10–30000): wall time of one invocation;
 * - LOOP_FUNCTION_MEMORY_MB (default 64, 8–512): the isolate's heap, ArrayBuffers included.
 * At most MAX_CONCURRENT invocations run at once; more wait their turn. If the host dies (or stops
 * answering), its invocations end as `crashed` and the next one forks a new host.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HOST_MARKER, type SandboxReply, type SandboxRequest } from './sandbox-protocol.ts';

export interface SandboxLimits {
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

export type SandboxJob = Omit<SandboxRequest, 'id' | 'timeoutMs' | 'memoryMb'>;

const MAX_CONCURRENT = 4;
/** How long past its own limit the host may take to answer before it is presumed stuck and killed. */
const HOST_GRACE_MS = 5000;

function bounded(v: string | undefined, fallback: number, min: number, max: number): number {
  const n = Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxLimits {
  return {
    timeoutMs: bounded(env.LOOP_FUNCTION_TIMEOUT_MS, 1000, 10, 30_000),
    memoryMb: bounded(env.LOOP_FUNCTION_MEMORY_MB, 64, 8, 512),
  };
}

interface Pending {
  readonly resolve: (r: SandboxReply) => void;
  readonly timer: NodeJS.Timeout;
}

let host: { child: ChildProcess; pending: Map<number, Pending> } | null = null;
let nextId = 1;
let running = 0;
const waiting: (() => void)[] = [];

const crashed = (id: number, message: string): SandboxReply => ({
  id,
  kind: 'crashed',
  message,
  logs: [],
  truncated: false,
  durationMs: 0,
});

function startHost() {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const child = fork(fileURLToPath(new URL('./sandbox-host.ts', import.meta.url)), [], {
    execArgv: ['--no-node-snapshot', '--import', tsx],
    // Nothing of the server's environment (database URL, keys, secrets) is handed to the host.
    env: { [HOST_MARKER]: '1', PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const h = { child, pending: new Map<number, Pending>() };
  child.on('message', (reply: SandboxReply) => {
    const p = h.pending.get(reply.id);
    if (!p) return;
    h.pending.delete(reply.id);
    clearTimeout(p.timer);
    p.resolve(reply);
  });
  const gone = (why: string) => {
    if (host === h) host = null;
    for (const [id, p] of h.pending) {
      clearTimeout(p.timer);
      p.resolve(crashed(id, `The sandbox process ended (${why}) while the function ran.`));
    }
    h.pending.clear();
  };
  child.on('exit', (code, signal) => gone(signal ?? `exit ${code}`));
  child.on('error', (e) => gone(e.message));
  // An idle host never keeps the server (or a test run) alive; a pending request keeps its own socket open.
  child.unref();
  (child.channel as { unref?: () => void } | undefined)?.unref?.();
  return h;
}

async function turn(): Promise<void> {
  if (running < MAX_CONCURRENT) {
    running++;
    return;
  }
  await new Promise<void>((r) => waiting.push(r));
}

function release() {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

/** Runs one invocation in a fresh isolate of the host process. Never throws for anything the code does. */
export async function runSandboxed(job: SandboxJob, limits: SandboxLimits): Promise<SandboxReply> {
  await turn();
  try {
    const h = (host ??= startHost());
    const id = nextId++;
    return await new Promise<SandboxReply>((resolve) => {
      const timer = setTimeout(() => {
        h.pending.delete(id);
        resolve({
          id,
          kind: 'timeout',
          message: 'The sandbox did not answer in time.',
          logs: [],
          truncated: false,
          durationMs: limits.timeoutMs,
        });
        h.child.kill('SIGKILL');
      }, limits.timeoutMs + HOST_GRACE_MS);
      h.pending.set(id, { resolve, timer });
      h.child.send({ id, ...job, timeoutMs: limits.timeoutMs, memoryMb: limits.memoryMb } satisfies SandboxRequest, (err) => {
        if (!err) return;
        h.pending.delete(id);
        clearTimeout(timer);
        resolve(crashed(id, `The sandbox process could not be reached: ${err.message}`));
      });
    });
  } finally {
    release();
  }
}

/** Ends the host process (tests, shutdown); the next invocation forks a new one. */
export function stopSandbox(): void {
  host?.child.kill();
  host = null;
}
