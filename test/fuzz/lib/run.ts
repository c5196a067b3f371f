/**
 * Runs the cases of every operation of the chosen services against a real server in this process,
 * one request at a time, with the server's console output captured per case (stack traces are a
 * failure). A failing case keeps the curl line that reproduces it.
 */
import { buildCases, type Budget, type Case, type CaseKind } from './cases.ts';
import { check, CHECKS, ResponseValidator, type CheckKind } from './checks.ts';
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
  readonly checks: Record<CheckKind, number>;
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
  // Deletes last, so the records other operations use are there while they run.
  const ops = [...all.filter((o) => o.method !== 'DELETE'), ...all.filter((o) => o.method === 'DELETE')];
  const seenPaths = new Set<string>();
  const checks = Object.fromEntries(CHECKS.map((c) => [c, 0])) as Record<CheckKind, number>;
  const repairs: string[] = [];
  let cases = 0;
  let failedCases = 0;
  let run = 0;
  let requestMs = 0;
  let lookupMs = 0;
  const t0 = performance.now();
  const capture = captureConsole();
  try {
    for (const op of ops) {
      if (opts.deadlineMs !== undefined && performance.now() - t0 > opts.deadlineMs) break;
      const first = !seenPaths.has(op.path);
      seenPaths.add(op.path);
      const list = buildCases(target.doc, op, opts.seed, opts.budget, first);
      for (const c of list) {
        cases++;
        let tl = performance.now();
        const values = await target.pathValues(op);
        lookupMs += performance.now() - tl;
        const req = await wire(target, op, c, values);
        capture.reset();
        let res: WireResponse;
        try {
          res = await send(req);
        } catch (e) {
          res = { status: 599, headers: {}, text: `no answer: ${(e as Error).message}`, ms: 0 };
        }
        requestMs += res.ms;
        const log = capture.text();
        const found = res.status === 599 ? [{ check: 'server-error' as const, detail: res.text }] : check(validator, op, c, res, log);
        for (const k of CHECKS) checks[k]++;
        if (found.length) failedCases++;
        for (const f of found) {
          failures.push({ service: target.service, op: op.key, kind: c.kind, note: c.note, check: f.check, detail: f.detail, key: f.key, hint: f.hint, status: res.status, body: res.text.slice(0, 400), log: log.slice(0, 1500), curl: curl(req) });
        }
        if (c.method === 'DELETE' && res.status < 300) target.forget(op);
        const suspicious = res.status === 401 || res.status === 403 || (res.status < 300 && c.method !== 'GET');
        tl = performance.now();
        if (suspicious && !(await target.probe())) {
          repairs.push(`${op.key} (${c.kind}${c.note ? `: ${c.note}` : ''}) → ${res.status}`);
          await target.repair();
        }
        lookupMs += performance.now() - tl;
      }
      run++;
      opts.progress?.(target.service, run, ops.length);
    }
  } finally {
    capture.restore();
  }
  return { service: target.service, operations: ops.length, operationsRun: run, cases, failedCases, ms: performance.now() - t0, startMs, requestMs, lookupMs, checks, repairs };
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

/** Captures what the server writes to the console and stderr while a case runs (and keeps it off the terminal). */
function captureConsole() {
  let buf = '';
  const saved = { error: console.error, warn: console.warn, log: console.log, info: console.info, write: process.stderr.write };
  const sink = (...args: unknown[]) => {
    buf += args.map((a) => (a instanceof Error ? (a.stack ?? a.message) + inspectExtra(a) : typeof a === 'string' ? a : safeJson(a))).join(' ') + '\n';
  };
  console.error = sink;
  console.warn = sink;
  console.log = sink;
  console.info = sink;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    buf += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  return {
    reset: () => void (buf = ''),
    text: () => buf,
    restore: () => Object.assign(console, { error: saved.error, warn: saved.warn, log: saved.log, info: saved.info }) && (process.stderr.write = saved.write),
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
