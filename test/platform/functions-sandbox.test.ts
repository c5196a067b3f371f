/**
 * JavaScript custom functions through the generated platform server, run in the isolated-vm sandbox
 * host: output and logs, thrown errors, no Node APIs or network inside, and the time and memory
 * limits answered as 422 with the run recorded — while the server keeps answering.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { stopSandbox } from '../../runtime/platform/functions/sandbox.ts';
import { adminKey, client } from './helpers.ts';

const LIMITS = ['LOOP_FUNCTION_TIMEOUT_MS', 'LOOP_FUNCTION_MEMORY_MB'] as const;
const saved = Object.fromEntries(LIMITS.map((k) => [k, process.env[k]]));

let svc: TestService;
let call: ReturnType<typeof client>;
let bait: Server;
let baitUrl: string;
let baitHits = 0;

beforeAll(async () => {
  bait = createServer((_req, res) => {
    baitHits++;
    res.end('reached');
  });
  await new Promise<void>((r) => bait.listen(0, '127.0.0.1', r));
  baitUrl = `http://127.0.0.1:${(bait.address() as AddressInfo).port}/`;
  svc = await startTestService('platform');
  call = client(svc, await adminKey(svc, 'functions'));
}, 60_000);
afterEach(() => {
  for (const k of LIMITS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});
afterAll(async () => {
  stopSandbox();
  await svc?.close();
  await new Promise((r) => bait?.close(r));
});

async function fn(code: string, runtime = 'javascript', extra: Record<string, unknown> = {}): Promise<string> {
  const r = await call('POST', 'functions', { name: 'f', runtime, code, enabled: true, ...extra });
  expect(r.status).toBe(201);
  return r.body.data.id;
}

const run = (id: string, input: unknown = {}) => call('POST', `functions/${id}/execute`, { input });

it('runs the code with input and context; output and console lines come back and are logged', async () => {
  const id = await fn(
    'console.log("got", input.n, { deep: [1] });\nconsole.warn("careful");\nreturn { doubled: input.n * 2, fn: context.function_id, tenant: context.tenant_id };',
  );
  const r = await run(id, { n: 21 });
  expect(r.status).toBe(200);
  expect(r.body.data).toMatchObject({
    status: 'succeeded',
    output: { doubled: 42, fn: id, tenant: expect.stringMatching(/^tn_/) },
    error: null,
    steps: [],
    runtime: 'javascript',
    logs: [
      { level: 'log', message: 'got 21 {"deep":[1]}' },
      { level: 'warn', message: 'careful' },
    ],
  });
  const logs = (await call('GET', `functions/${id}/logs`)).body.data;
  expect(JSON.stringify(logs)).toContain(r.body.data.execution_id);
  expect(JSON.stringify(logs)).toContain('got 21');

  // Each run starts from nothing: a global set by one run is gone in the next.
  const stateful = await fn('globalThis.count = (globalThis.count ?? 0) + 1; return count;');
  expect((await run(stateful)).body.data.output).toBe(1);
  expect((await run(stateful)).body.data.output).toBe(1);
});

it('a function that throws answers 200 with status failed and the error', async () => {
  const r = await run(await fn('console.log("about to fail"); throw new TypeError("nope");'));
  expect(r.status).toBe(200);
  expect(r.body.data).toMatchObject({ status: 'failed', output: null, error: 'TypeError: nope', logs: [{ message: 'about to fail' }] });
});

it('has no Node APIs, no module loading and no network inside; the server is untouched', async () => {
  const attempts: [string, RegExp][] = [
    ['process.exit(1)', /ReferenceError: process is not defined/],
    ['return require("fs").readFileSync("/etc/passwd", "utf8")', /ReferenceError: require is not defined/],
    ['const fs = await import("node:fs"); return Object.keys(fs)', /Error: /],
    [`return await (await fetch(${JSON.stringify(baitUrl)})).text()`, /ReferenceError: fetch is not defined/],
    [
      `const x = new XMLHttpRequest(); x.open("GET", ${JSON.stringify(baitUrl)}); x.send()`,
      /ReferenceError: XMLHttpRequest is not defined/,
    ],
    ['return this.constructor.constructor("return process")().env', /ReferenceError: process is not defined/],
    ['return Function("return globalThis.process.mainModule")()', /TypeError/],
    ['setTimeout(() => {}, 1)', /ReferenceError: setTimeout is not defined/],
  ];
  for (const [code, error] of attempts) {
    const r = await run(await fn(code));
    expect({ code, status: r.status, state: r.body.data?.status }).toEqual({ code, status: 200, state: 'failed' });
    expect(r.body.data.error).toMatch(error);
  }
  expect(baitHits).toBe(0);
  const globals = await run(
    await fn('return [typeof process, typeof require, typeof SharedArrayBuffer, typeof Atomics, typeof WebAssembly]'),
  );
  expect(globals.body.data.output).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined']);
  // The server (and its own process object) are still here.
  expect((await fetch(svc.url + '/health')).status).toBe(200);
});

it('an endless loop or a promise that never settles is stopped at the time limit: 422 FUNCTION_TIMEOUT, run recorded', async () => {
  process.env.LOOP_FUNCTION_TIMEOUT_MS = '300';
  const loop = await fn('console.log("spinning");\nwhile (true) {}');
  const r = await run(loop);
  expect(r.status).toBe(422);
  expect(r.body.error).toMatchObject({
    code: 'FUNCTION_TIMEOUT',
    execution_id: expect.stringMatching(/^run_/),
    logs: [{ level: 'log', message: 'spinning' }],
    limits: { timeout_ms: 300 },
  });
  const logs = JSON.stringify((await call('GET', `functions/${loop}/logs`)).body.data);
  expect(logs).toContain(r.body.error.execution_id);
  expect(logs).toContain('"outcome":"timeout"');

  const pending = await run(await fn('await new Promise(() => {});'));
  expect([pending.status, pending.body.error.code]).toEqual([422, 'FUNCTION_TIMEOUT']);
  // The sandbox survives its timeouts: the next function runs at once.
  expect((await run(await fn('return "still here"'))).body.data.output).toBe('still here');
});

it('memory past the limit — heap or ArrayBuffers — is 422 FUNCTION_MEMORY_LIMIT, and the server keeps answering', async () => {
  process.env.LOOP_FUNCTION_TIMEOUT_MS = '20000';
  process.env.LOOP_FUNCTION_MEMORY_MB = '16';
  const heap = await run(await fn('const keep = [];\nwhile (true) keep.push({ n: Math.random(), s: "x".repeat(64) });'));
  expect([heap.status, heap.body.error.code]).toEqual([422, 'FUNCTION_MEMORY_LIMIT']);
  expect(heap.body.error.limits).toMatchObject({ memory_mb: 16 });
  // 2 GB of typed arrays: refused by the isolate's allocator, never allocated in any process.
  const buffers = await run(
    await fn('const keep = [];\nfor (let i = 0; i < 40; i++) keep.push(new Uint8Array(50 * 1024 * 1024));\nreturn keep.length;'),
  );
  expect([buffers.status, buffers.body.error.code]).toEqual([422, 'FUNCTION_MEMORY_LIMIT']);
  expect((await run(await fn('return 1 + 1'))).body.data.output).toBe(2);
  expect((await fetch(svc.url + '/health')).status).toBe(200);
});

it('code that cannot run, output too large, other runtimes, disabled functions and other tenants', async () => {
  const syntax = await run(await fn('return 1 +'));
  expect([syntax.status, syntax.body.error.code]).toEqual([422, 'FUNCTION_SYNTAX_ERROR']);
  const big = await run(await fn('return "x".repeat(2 * 1024 * 1024)'));
  expect([big.status, big.body.error.code]).toEqual([422, 'FUNCTION_OUTPUT_TOO_LARGE']);
  const circular = await run(await fn('const a = {}; a.self = a; return a;'));
  expect(circular.body.data).toMatchObject({ status: 'failed', error: expect.stringMatching(/^TypeError: Converting circular structure/) });

  const python = await run(await fn('print(1)', 'python3'));
  expect([python.status, python.body.error.code]).toEqual([422, 'FUNCTION_RUNTIME_UNSUPPORTED']);
  for (const runtime of ['js', 'node', 'nodejs20', 'JavaScript'])
    expect((await run(await fn('return 7', runtime))).body.data.output).toBe(7);
  const disabled = await run(await fn('return 1', 'javascript', { enabled: false }));
  expect(disabled.status).toBe(400);

  const mine = await fn('return "mine"');
  const other = client(svc, await adminKey(svc, 'functions-other'));
  expect((await other('POST', `functions/${mine}/execute`, { input: {} })).status).toBe(404);
});
