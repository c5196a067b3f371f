/**
 * Runs the cases of every operation of the chosen services against a real server in this process,
 * one request at a time, with the server's console output captured per case (stack traces are a
 * failure). A failing case keeps the curl line that reproduces it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import { buildCases, type Budget, type Case, type CaseKind } from './cases.ts';
import { check, ResponseValidator, type CheckKind } from './checks.ts';
import { curl, multipart, send, type WireRequest, type WireResponse } from './http.ts';
import { operations, type Operation } from './operations.ts';
import { startTarget, type Target } from './targets.ts';

export interface RunOptions {
  readonly services: readonly string[];
  readonly seed: number;
  readonly budget: Budget;
  /** Only operations whose `METHOD /path` contains this text. */
  readonly only?: string;
  /** Stop a service's run after this many milliseconds (the rest is reported as not run). */
  readonly deadlineMs?: number;
  /** Operations run side by side (deletes always one at a time, after the rest). Default 4. */
  readonly concurrency?: number;
  /** Called after each operation (progress for the command line). */
  readonly progress?: (service: string, done: number, total: number) => void;
}

export interface CaseFailure {
  readonly service: string;
  readonly op: string;
  readonly kind: CaseKind;
  readonly note: string;
  readonly check: CheckKind;
  readonly detail: string;
  readonly key?: string;
  readonly hint?: string;
  readonly status: number;
  readonly body: string;
  readonly log: string;
  readonly curl: string;
}

export interface ServiceRun {
  readonly service: string;
  readonly operations: number;
  readonly operationsRun: number;
  readonly cases: number;
  readonly failedCases: number;
  readonly ms: number;
  readonly startMs: number;
  /** Time spent waiting for answers to the cases (the rest is generation, checks and id look-ups). */
  readonly requestMs: number;
  /** Time spent finding record ids for path parameters and checking the session after suspicious answers. */
  readonly lookupMs: number;
  /** Cases after which the session had to be restored (a revoked key, a locked-out owner). */
  readonly repairs: readonly string[];
}

export interface RunResult {
  readonly seed: number;
  readonly budget: Budget;
  readonly services: readonly ServiceRun[];
  readonly failures: readonly CaseFailure[];
}

export async function runFuzz(opts: RunOptions): Promise<RunResult> {
  const services: ServiceRun[] = [];
  const failures: CaseFailure[] = [];
  for (const service of opts.services) {
    const t0 = performance.now();
    const target = await startTarget(service);
    const startMs = performance.now() - t0;
    try {
      services.push(await runService(target, opts, failures, startMs));
    } finally {
      await target.close();
    }
  }
  return { seed: opts.seed, budget: opts.budget, services, failures };
}

async function runService(target: Target, opts: RunOptions, failures: CaseFailure[], startMs: number): Promise<ServiceRun> {
  const validator = new ResponseValidator(target.doc);
  const all = operations(target.doc).filter((o) => !opts.only || o.key.includes(opts.only));
  const seenPaths = new Set<string>();
  const firstOfPath = new Map(all.map((o) => [o, !seenPaths.has(o.path) && Boolean(seenPaths.add(o.path))]));
  const repairs: string[] = [];
  const stats = { cases: 0, failedCases: 0, run: 0, requestMs: 0, lookupMs: 0 };
  const t0 = performance.now();
  const logs = captureServerLogs(target);
  let repairing: Promise<void> | null = null;
  let caseNo = 0;

  const runOp = async (op: Operation) => {
    for (const c of buildCases(target.doc, op, opts.seed, opts.budget, firstOfPath.get(op)!)) {
      stats.cases++;
      const id = `c${++caseNo}`;
      let tl = performance.now();
      await repairing;
      const values = await target.pathValues(op);
      stats.lookupMs += performance.now() - tl;
      const req = await wire(target, op, c, values);
      let res: WireResponse;
      try {
        res = await send(req, { 'x-fuzz-case': id });
      } catch (e) {
        res = { status: 599, headers: {}, text: `no answer: ${(e as Error).message}`, ms: 0 };
      }
      stats.requestMs += res.ms;
      const log = logs.take(id);
      const found = res.status === 599 ? [{ check: 'server-error' as const, detail: res.text }] : check(validator, op, c, res, log);
      if (found.length) stats.failedCases++;
      for (const f of found) {
        failures.push({
          service: target.service,
          op: op.key,
          kind: c.kind,
          note: c.note,
          check: f.check,
          detail: f.detail,
          key: f.key,
          hint: f.hint,
          status: res.status,
          body: res.text.slice(0, 400),
          log: log.slice(0, 1500),
          curl: curl(req),
        });
      }
      if (c.method === 'DELETE' && res.status < 300) target.forget(op);
      const suspicious = res.status === 401 || res.status === 403 || (res.status < 300 && c.method !== 'GET');
      tl = performance.now();
      if (suspicious && !repairing && !(await target.probe())) {
        repairs.push(`${op.key} (${c.kind}${c.note ? `: ${c.note}` : ''}) → ${res.status}`);
        repairing ??= target.repair().finally(() => (repairing = null));
        await repairing;
      }
      stats.lookupMs += performance.now() - tl;
    }
    stats.run++;
    opts.progress?.(target.service, stats.run, all.length);
  };

  const pool = async (ops: Operation[], width: number) => {
    const queue = [...ops];
    await Promise.all(
      Array.from({ length: width }, async () => {
        for (let op = queue.shift(); op; op = queue.shift()) {
          if (opts.deadlineMs !== undefined && performance.now() - t0 > opts.deadlineMs) return;
          await runOp(op);
        }
      }),
    );
  };
  try {
    await pool(
      all.filter((o) => o.method !== 'DELETE'),
      opts.concurrency ?? 4,
    );
    // Deletes last and one at a time, so the records other operations use are there while they run.
    await pool(
      all.filter((o) => o.method === 'DELETE'),
      1,
    );
  } finally {
    logs.stop();
  }
  return {
    service: target.service,
    operations: all.length,
    operationsRun: stats.run,
    cases: stats.cases,
    failedCases: stats.failedCases,
    ms: performance.now() - t0,
    startMs,
    requestMs: stats.requestMs,
    lookupMs: stats.lookupMs,
    repairs,
  };
}

async function wire(target: Target, op: Operation, c: Case, values: Record<string, string>): Promise<WireRequest> {
  const params = { ...values, ...c.pathOverrides };
  const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(params[n] ?? '1')).replace(/^\//, '');
  const qs = c.query.length ? `?${new URLSearchParams(c.query.map(([k, v]) => [k, v])).toString()}` : '';
  const headers: Record<string, string> = { ...target.headers(op) };
  let body: Uint8Array | undefined;
  if (c.body) {
    if (c.body.contentType === 'multipart/form-data') {
      const m = await multipart(String(c.body.raw));
      headers['content-type'] = m.contentType;
      body = m.body;
    } else {
      headers['content-type'] = c.body.contentType;
      body = typeof c.body.raw === 'string' ? Buffer.from(c.body.raw) : c.body.raw;
    }
  }
  return { method: c.method, url: target.svc.api + path + qs, headers, body };
}

/**
 * Captures what the server writes to the console and stderr (and keeps it off the terminal), filed
 * under the case whose request was being served: each request carries `x-fuzz-case`, and a listener
 * that runs before Express's puts that id in an AsyncLocalStorage the whole request inherits.
 */
function captureServerLogs(target: Target) {
  const store = new AsyncLocalStorage<string>();
  const logs = new Map<string, string>();
  const add = (text: string) => {
    const id = store.getStore() ?? '-';
    logs.set(id, (logs.get(id) ?? '') + text);
  };
  const onRequest = (req: IncomingMessage) => {
    const id = req.headers['x-fuzz-case'];
    store.enterWith(typeof id === 'string' ? id : '-');
  };
  target.svc.server.prependListener('request', onRequest);
  const saved = { error: console.error, warn: console.warn, log: console.log, info: console.info, write: process.stderr.write };
  const sink = (...args: unknown[]) =>
    add(
      args.map((a) => (a instanceof Error ? (a.stack ?? a.message) + inspectExtra(a) : typeof a === 'string' ? a : safeJson(a))).join(' ') +
        '\n',
    );
  Object.assign(console, { error: sink, warn: sink, log: sink, info: sink });
  process.stderr.write = ((chunk: string | Uint8Array) => {
    add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stderr.write;
  return {
    take(id: string): string {
      const text = logs.get(id) ?? '';
      logs.delete(id);
      return text;
    },
    stop() {
      target.svc.server.removeListener('request', onRequest);
      Object.assign(console, { error: saved.error, warn: saved.warn, log: saved.log, info: saved.info });
      process.stderr.write = saved.write;
    },
  };
}

/** PostgreSQL driver errors carry the SQLSTATE in `code`: keep it beside the stack for the report. */
function inspectExtra(e: Error): string {
  const x = e as Error & { code?: unknown; detail?: unknown; routine?: unknown };
  return typeof x.code === 'string' ? `\n[code: ${x.code}${x.routine ? `, routine: ${String(x.routine)}` : ''}]` : '';
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
