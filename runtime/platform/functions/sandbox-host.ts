/**
 * The sandbox host: a child process (forked by ./sandbox.ts, never imported by the server) that runs
 * custom-function code with isolated-vm. Each run gets a fresh V8 isolate — its own heap, capped at
 * `memoryMb` including ArrayBuffers — and a fresh context holding only JavaScript's built-ins: no
 * require, import, process, fs, network, timers or host objects. Input goes in and output comes out
 * as JSON text, so nothing of this process is ever reachable from the function.
 *
 * It is a separate process because isolated-vm's author documents that V8 cannot always recover from
 * an out-of-memory isolate: if that ever takes this process down, the server only loses a helper and
 * forks a new one. Its environment is emptied by the parent, so it holds no secrets either.
 */
import ivm from 'isolated-vm';
import { HOST_MARKER, type SandboxReply, type SandboxRequest } from './sandbox-protocol.ts';

const MAX_LOGS = 100;
const MAX_LOG_CHARS = 4000;
const MAX_OUTPUT_CHARS = 1024 * 1024;
const PENDING_GRACE_MS = 50;

/**
 * Runs inside the isolate before the function: removes what could block the thread or grow memory
 * outside the plain heap (shared memory, WebAssembly), and defines a console whose lines stay in the
 * isolate until the host reads them as JSON.
 */
const PRELUDE = `
delete globalThis.SharedArrayBuffer;
delete globalThis.Atomics;
delete globalThis.WebAssembly;
const __logs = [];
const __line = (level, args) => {
  if (__logs.length >= ${MAX_LOGS}) { __logs.truncated = true; return; }
  const text = args.map((a) => {
    if (typeof a === 'string') return a;
    try { const j = JSON.stringify(a); return j === undefined ? String(a) : j; } catch { return String(a); }
  }).join(' ');
  __logs.push({ level, message: text.length > ${MAX_LOG_CHARS} ? text.slice(0, ${MAX_LOG_CHARS}) + '…' : text });
};
globalThis.console = Object.freeze({
  log: (...a) => __line('log', a), info: (...a) => __line('info', a), debug: (...a) => __line('debug', a),
  warn: (...a) => __line('warn', a), error: (...a) => __line('error', a),
});
globalThis.__logsJson = () => JSON.stringify({ logs: __logs, truncated: Boolean(__logs.truncated) });
`;

/** Calls the function with the parsed input and answers one JSON text: its output or what it threw. */
const RUN = `
(async () => {
  try {
    const output = await __fn(JSON.parse(__input), Object.freeze(JSON.parse(__context)));
    return JSON.stringify({ ok: true, output: output === undefined ? null : output });
  } catch (e) {
    const name = e && typeof e === 'object' && typeof e.name === 'string' ? e.name : 'Error';
    const message = e && typeof e === 'object' && typeof e.message === 'string' ? e.message : String(e);
    return JSON.stringify({ ok: false, name, message });
  }
})()
`;

async function logsOf(context: ivm.Context, isolate: ivm.Isolate) {
  if (isolate.isDisposed) return { logs: [], truncated: false };
  try {
    return JSON.parse(await context.eval('__logsJson()', { timeout: 100 })) as { logs: unknown[]; truncated: boolean };
  } catch {
    return { logs: [], truncated: false };
  }
}

export async function runInIsolate(req: SandboxRequest): Promise<Omit<SandboxReply, 'id'>> {
  const started = process.hrtime.bigint();
  const ms = () => Number((process.hrtime.bigint() - started) / 1_000_000n);
  const isolate = new ivm.Isolate({
    memoryLimit: req.memoryMb,
    // V8 lost control of the isolate: this process is no longer trustworthy; the parent forks a new one.
    onCatastrophicError: () => process.abort(),
  });
  let timer: NodeJS.Timeout | undefined;
  const context = await isolate.createContext();
  try {
    await context.eval(PRELUDE, { timeout: req.timeoutMs });
    await context.global.set('__input', req.input);
    await context.global.set('__context', req.context);
    let fn: ivm.Script;
    try {
      // The code is the body of `async function (input, context)`; line numbers match the stored code.
      fn = await isolate.compileScript(`globalThis.__fn = async function (input, context) {\n${req.code}\n};`, {
        filename: 'function.js',
        lineOffset: -1,
      });
    } catch (e) {
      return { kind: 'syntax', message: (e as Error).message, logs: [], truncated: false, durationMs: ms() };
    }
    await fn.run(context, { timeout: req.timeoutMs });
    // isolated-vm's timeout stops running code (the isolate survives, so its logs can still be read);
    // a promise that never settles has nothing running, so this timer, a little later, disposes it.
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        isolate.dispose();
        reject(new Error('Script execution timed out.'));
      }, req.timeoutMs + PENDING_GRACE_MS);
    });
    const run = await isolate.compileScript(RUN);
    let text: string;
    try {
      text = await Promise.race([run.run(context, { timeout: req.timeoutMs, promise: true }) as Promise<string>, guard]);
    } catch (e) {
      const message = (e as Error).message;
      if (isolate.isDisposed && /memory limit/i.test(message)) {
        return { kind: 'memory', message, logs: [], truncated: false, durationMs: ms() };
      }
      if (/timed out/i.test(message)) return { kind: 'timeout', message, ...(await logsOf(context, isolate)), durationMs: ms() };
      return { kind: 'error', name: (e as Error).name, message, ...(await logsOf(context, isolate)), durationMs: ms() };
    }
    const logs = await logsOf(context, isolate);
    if (text.length > MAX_OUTPUT_CHARS) {
      return { kind: 'output', message: `The output is larger than ${MAX_OUTPUT_CHARS} characters of JSON.`, ...logs, durationMs: ms() };
    }
    const r = JSON.parse(text) as { ok: boolean; output?: unknown; name?: string; message?: string };
    if (r.ok) return { kind: 'ok', output: r.output, ...logs, durationMs: ms() };
    // An ArrayBuffer past the isolate's limit is a catchable RangeError inside; uncaught, it is the memory limit.
    if (r.name === 'RangeError' && /array buffer allocation failed/i.test(r.message ?? '')) {
      return { kind: 'memory', message: r.message!, ...logs, durationMs: ms() };
    }
    return { kind: 'error', name: r.name, message: r.message ?? 'Error', ...logs, durationMs: ms() };
  } finally {
    clearTimeout(timer);
    if (!isolate.isDisposed) isolate.dispose();
  }
}

// Only when forked as the host: answer each request on the IPC channel; leave when the parent goes.
if (process.send && process.env[HOST_MARKER] === '1') {
  process.on('message', (req: SandboxRequest) => {
    runInIsolate(req).then(
      (r) => process.send!({ id: req.id, ...r } satisfies SandboxReply),
      (e: unknown) =>
        process.send!({ id: req.id, kind: 'error', name: 'SandboxError', message: String(e), logs: [], truncated: false, durationMs: 0 }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
