/**
 * `loopgen serve` on a port another process holds exits non-zero at once, naming the port, its
 * holder and the flag to pick another, and never claims to be serving.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoopgen } from './serve-process.ts';

let other: Server;
let port: number;

beforeAll(async () => {
  other = createServer((_req, res) => res.end('someone else'));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  port = (other.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((r) => other.close(() => r())));

describe('serve on a busy port', () => {
  it('exits 1 with the port, the holder and --port, before touching the database', async () => {
    const dataDir = join(await mkdtemp(join(tmpdir(), 'loopgen-busy-')), 'loop');
    const started = Date.now();
    const ran = await runLoopgen(['serve', '--port', String(port), '--data-dir', dataDir], undefined, 60_000);
    expect(ran.code).toBe(1);
    expect(ran.stdout).not.toMatch(/serving/);
    expect(ran.stderr).toContain(`port ${port} on 127.0.0.1 is already in use`);
    expect(ran.stderr).toContain('--port');
    // `ss` (or lsof) names this test's own process when either tool is installed.
    if (/held by process/.test(ran.stderr)) expect(ran.stderr).toContain(`process ${process.pid}`);
    // The port is bound before the (long) first migration: no migration ran.
    expect(ran.stderr).not.toMatch(/migrating/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('rejects a port that is not a number as a usage error', async () => {
    const ran = await runLoopgen(['serve', '--port', 'eighty'], undefined, 60_000);
    expect(ran.code).toBe(64);
    expect(ran.stderr).toContain('--port');
  });
});
