/**
 * `loopgen serve --workers N` (runtime/serve/cluster.ts): refused on embedded PGlite; on PostgreSQL two
 * worker processes answer on one port (LOOPGEN_WORKER_HEADER names the pid), a token issued by one is
 * honoured by the other, and SIGTERM drains both and exits 0.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../helpers/test-service.ts';
import { embeddedEnv, runLoopgen, serveProcess, type Serving } from './serve-process.ts';

describe('serve --workers', () => {
  it('refuses more than one worker on embedded PGlite, saying why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgen-workers-'));
    try {
      const r = await runLoopgen(['serve', '--workers', '2', '--port', '0', '--data-dir', dir], embeddedEnv());
      expect(r.code).toBe(64);
      expect(r.stderr).toMatch(/--workers 2 needs PostgreSQL/);
      expect(r.stderr).toMatch(/PGlite/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a worker count that is not a whole number from 1 to 64', async () => {
    const r = await runLoopgen(['serve', '--workers', 'many', '--port', '0'], embeddedEnv());
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/--workers must be a whole number/);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('serve --workers 2 on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let serving: Serving;
  let dir: string;

  beforeAll(async () => {
    database = await openTestDatabase('loop');
    const settings = (database.db.client as unknown as { connectionSettings: { database: string } }).connectionSettings;
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${settings.database}`;
    dir = await mkdtemp(join(tmpdir(), 'loopgen-workers-'));
    serving = await serveProcess(['--workers', '2', '--port', '0', '--data-dir', dir], {
      ...process.env,
      DATABASE_URL: url.toString(),
      LOOPGEN_WORKER_HEADER: '1',
      LOOP_JWT_SECRET: 'workers-test-secret-workers-test-secret-0123',
      LOG_LEVEL: 'warn',
      PORT: '',
    });
  }, 200_000);

  afterAll(async () => {
    if (serving && serving.child.exitCode === null) serving.child.kill('SIGKILL');
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const api = () => `${serving.url}/api/v1/`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(api() + path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });

  it('answers from two processes on one port, each honouring the same token', async () => {
    const reg = await post('auth/register/', {
      email: 'workers@example.com',
      username: 'workers',
      password: 'Workers-passw0rd!',
      company_name: 'Workers Co',
    });
    expect(reg.status).toBe(201);
    const { access, company } = (await reg.json()) as { access: string; company: { code: string } };
    const created = await post('booking/services/', { name: 'Cut' }, { Authorization: `Bearer ${access}`, 'X-Company-ID': company.code });
    expect(created.status).toBe(201);

    // The primary hands connections out round-robin; the second worker may still be starting at first.
    const pids = new Set<string>();
    for (let i = 0; i < 200 && pids.size < 2; i++) {
      const r = await fetch(`${api()}booking/services/`, {
        headers: { Authorization: `Bearer ${access}`, 'X-Company-ID': company.code, Connection: 'close' },
      });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { count: number }).count).toBe(1);
      pids.add(r.headers.get('x-loopgen-worker') ?? '');
    }
    expect(pids.size).toBe(2);
    expect([...pids].every((p) => /^\d+$/.test(p) && p !== String(serving.child.pid))).toBe(true);
  });

  it('replaces a worker that dies', async () => {
    const seen = async () => {
      const r = await fetch(`${serving.url}/health`, { headers: { Connection: 'close' }, signal: AbortSignal.timeout(5_000) });
      return r.headers.get('x-loopgen-worker') ?? '';
    };
    const victim = Number(await seen());
    process.kill(victim, 'SIGKILL');
    const fresh = new Set<string>();
    // Bounded by attempts, not time: the survivor answers at once, the replacement once it has started.
    for (let i = 0; i < 1200 && fresh.size < 2; i++) {
      const pid = await seen().catch(() => '');
      if (pid && pid !== String(victim)) fresh.add(pid);
      if (fresh.size < 2) await new Promise((r) => setTimeout(r, 100));
    }
    expect(fresh.size, serving.output()).toBe(2);
    expect(serving.output()).toMatch(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting another`));
  }, 200_000);

  it('drains both workers on SIGTERM and exits 0', async () => {
    const code = await serving.stop();
    expect(code).toBe(0);
    expect(serving.output()).toMatch(/SIGTERM: draining 2 worker\(s\)/);
  });
});
