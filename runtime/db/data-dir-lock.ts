/**
 * One process per embedded data directory. PGlite is a single-process PostgreSQL: two processes
 * opening the same directory each cache pages and write the WAL on their own, and the directory is
 * corrupt after the second one writes. Every opener therefore takes `<dataDir>/loopgen.lock`
 * (created exclusively, mode 0600): it names the owner's pid, and once `serve` listens, its port and
 * a random token for the loopback admin endpoint (runtime/serve/admin-endpoint.ts), so a second
 * command can ask the running server to do its work instead of opening the files.
 * A lock whose pid is no longer alive (a crash, kill -9) is taken over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOCK_FILE = 'loopgen.lock';

export interface LockOwner {
  readonly pid: number;
  /** What holds it: `serve`, `migrate`, … */
  readonly command: string;
  readonly startedAt: string;
  /** Set by `serve` once it listens. */
  readonly host?: string;
  readonly port?: number;
  /** Bearer token of the loopback admin endpoint; the file is 0600, so only the same OS user reads it. */
  readonly token?: string;
}

export interface DataDirLock {
  readonly dir: string;
  readonly owner: LockOwner;
  /** Records where the server listens (and makes its admin token). */
  advertise(where: { host: string; port: number }): LockOwner;
  release(): void;
}

/** Another live process holds the directory; `message` names it and says what to do. */
export class DataDirBusyError extends Error {
  constructor(
    readonly dir: string,
    readonly owner: LockOwner,
  ) {
    const where = owner.port ? ` serving on http://${owner.host ?? '127.0.0.1'}:${owner.port}` : '';
    super(
      `the embedded database in ${dir} is in use by process ${owner.pid} (loopgen ${owner.command}${where}, since ${owner.startedAt}). ` +
        'PGlite allows one process per data directory: stop that process first, use another --data-dir, or set DATABASE_URL to use PostgreSQL.',
    );
    this.name = 'DataDirBusyError';
  }
}

const held = new Map<string, DataDirLock>();

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The current owner of a data directory's lock, or null when it is free or stale. */
export function readLockOwner(dir: string): LockOwner | null {
  let owner: LockOwner;
  try {
    owner = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as LockOwner;
  } catch {
    return null;
  }
  return alive(owner.pid) ? owner : null;
}

function write(path: string, owner: LockOwner, flags: string): void {
  const fd = openSync(path, flags, 0o600);
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
}

/** Takes the directory's lock or throws DataDirBusyError; the directory must exist. */
export function acquireDataDirLock(dir: string, command: string): DataDirLock {
  const path = join(dir, LOCK_FILE);
  const mine = held.get(path);
  // The same process opening the directory twice would be two PGlite instances: just as unsafe.
  if (mine) throw new DataDirBusyError(dir, mine.owner);
  let owner: LockOwner = { pid: process.pid, command, startedAt: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      write(path, owner, 'wx');
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      const current = readLockOwner(dir);
      if (current) throw new DataDirBusyError(dir, current);
      // Stale: rename it away (atomic) so that two takers cannot both remove a fresh lock.
      try {
        renameSync(path, `${path}.stale-${process.pid}`);
        unlinkSync(`${path}.stale-${process.pid}`);
      } catch {
        /* another process took it over first; the next attempt sees its lock */
      }
    }
  }
  const lock: DataDirLock = {
    dir,
    get owner() {
      return owner;
    },
    advertise(where) {
      owner = { ...owner, host: where.host, port: where.port, token: randomBytes(24).toString('base64url') };
      // Rewritten in place (not replaced) so the exclusive file keeps existing throughout.
      writeFileSync(path, `${JSON.stringify(owner)}\n`, { mode: 0o600 });
      return owner;
    },
    release() {
      if (held.get(path) !== lock) return;
      held.delete(path);
      try {
        const current = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
        if (current.pid === process.pid) unlinkSync(path);
      } catch {
        /* already gone */
      }
    },
  };
  held.set(path, lock);
  return lock;
}

/** Releases every lock this process holds (on exit, so a Ctrl-C leaves no lock behind). */
export function releaseAllDataDirLocks(): void {
  for (const lock of [...held.values()]) lock.release();
}

process.once('exit', releaseAllDataDirLocks);
