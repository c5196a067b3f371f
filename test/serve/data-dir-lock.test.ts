/**
 * One process per embedded (PGlite) data directory: while `serve` holds it, `admin create-superuser`
 * and `seed` are carried out by the running server, a second `serve` and `migrate` are refused naming
 * the owner's pid, and the data survives a restart. Plus the lock file itself: exclusive, 0600, stale
 * locks of dead processes taken over.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireDataDirLock, DataDirBusyError, LOCK_FILE, readLockOwner } from '../../runtime/db/data-dir-lock.ts';
import { embeddedDataDir } from '../helpers/test-service.ts';
import { runLoopgen, serveProcess, type Serving } from './serve-process.ts';

describe('the data directory lock', () => {
  it('is exclusive within a process, mode 0600, released on release()', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgen-lock-'));
    const lock = acquireDataDirLock(dir, 'test');
    expect((await stat(join(dir, LOCK_FILE))).mode & 0o777).toBe(0o600);
    expect(() => acquireDataDirLock(dir, 'again')).toThrow(DataDirBusyError);
    expect(readLockOwner(dir)?.pid).toBe(process.pid);
    lock.advertise({ host: '127.0.0.1', port: 1234 });
    expect(readLockOwner(dir)).toMatchObject({ port: 1234, command: 'test' });
    expect(readLockOwner(dir)?.token).toMatch(/^[\w-]{32}$/);
    lock.release();
    expect(readLockOwner(dir)).toBeNull();
    acquireDataDirLock(dir, 'after').release();
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loopgen-lock-'));
    // A pid far above pid_max: no such process.
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid: 2 ** 30, command: 'serve', startedAt: '2026-01-01T00:00:00Z', port: 9 }));
    const lock = acquireDataDirLock(dir, 'test');
    expect(JSON.parse(await readFile(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});

describe.sequential('a second opener while serve runs on PGlite', () => {
  let root: string;
  let dataDir: string;
  let svc: Serving | undefined;
  afterAll(async () => {
    await svc?.stop();
  });

  const login = async (url: string, email: string, password: string) =>
    fetch(`${url}/api/v1/auth/login/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });

  it('admin create-superuser is done by the running server; a login works', async () => {
    root = await mkdtemp(join(tmpdir(), 'loopgen-second-'));
    // Migrated and seeded already: this test is about the lock, not the first start's migration.
    dataDir = await embeddedDataDir('loop', join(root, 'loop'));
    svc = await serveProcess(['--port', '0', '--data-dir', dataDir]);
    const owner = readLockOwner(dataDir);
    expect(owner).toMatchObject({ pid: svc.child.pid, command: 'serve' });

    const ran = await runLoopgen([
      'admin',
      'create-superuser',
      '--email',
      'root@example.com',
      '--password',
      'Str0ng-passw0rd!',
      '--data-dir',
      dataDir,
    ]);
    expect(ran.stderr).toContain('done by the running server');
    expect(ran.code).toBe(0);
    expect(ran.stdout).toMatch(/superuser root@example.com created/);
    const res = await login(svc.url, 'root@example.com', 'Str0ng-passw0rd!');
    expect(res.status).toBe(200);
    expect(((await res.json()) as { access?: string }).access).toBeTruthy();

    // An error from the command (a duplicate) comes back as the command's failure, not a crash.
    const dup = await runLoopgen([
      'admin',
      'create-superuser',
      '--email',
      'root@example.com',
      '--password',
      'Str0ng-passw0rd!',
      '--data-dir',
      dataDir,
    ]);
    expect(dup.code).not.toBe(0);
    expect(dup.stderr).toMatch(/create-superuser/);
  }, 240_000);

  it('seed is done by the server; a second serve and migrate are refused naming the pid', async () => {
    const seed = await runLoopgen(['seed', '--data-dir', dataDir]);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toContain('loop: database migrated and seeded.');

    const second = await runLoopgen(['serve', '--port', '0', '--data-dir', dataDir]);
    expect(second.code).toBe(1);
    expect(second.stdout).not.toMatch(/serving/);
    expect(second.stderr).toContain(`in use by process ${svc!.child.pid}`);

    const migrate = await runLoopgen(['migrate', 'status', '--data-dir', dataDir]);
    expect(migrate.code).not.toBe(0);
    expect(migrate.stderr).toContain(`in use by process ${svc!.child.pid}`);
  }, 120_000);

  it('after a restart the data is intact: the login still works, register works', async () => {
    expect(await svc!.stop()).toBe(0);
    expect(readLockOwner(dataDir)).toBeNull();
    svc = await serveProcess(['--port', '0', '--data-dir', dataDir]);
    expect((await login(svc.url, 'root@example.com', 'Str0ng-passw0rd!')).status).toBe(200);
    const reg = await fetch(`${svc.url}/api/v1/auth/register/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'new@example.com', username: 'newbie', password: 'Str0ng-passw0rd!', company_name: 'New Co' }),
    });
    expect(reg.status).toBe(201);
  }, 240_000);
});
