/**
 * Readiness: may this process take traffic now? Yes when the database answers, every migration this
 * build ships is applied, and its background workers run. No while it drains for shutdown, so a
 * load balancer stops sending before the listener closes. Liveness (`/health`) stays a cheap
 * separate answer.
 *
 * The migration check compares the files this process started with against `knex_migrations`: in a
 * rolling deploy an old process stays ready while a newer one applies additive migrations, and a
 * database rolled back (or restored from an old backup) makes every newer process unready.
 */
import { readdir } from 'node:fs/promises';
import type { Knex } from 'knex';
import { databaseSchema } from '../db/open-database.ts';

export type CheckState = 'ok' | 'off' | string;

export interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly database: CheckState; readonly migrations: CheckState; readonly workers: CheckState };
}

interface Registration {
  readonly service: string;
  readonly migrations: Promise<readonly string[]>;
  workers: 'running' | 'off' | 'stopped';
  draining: boolean;
}

const registrations = new WeakMap<Knex, Registration>();

const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.ts$/;

/** Records what readiness checks for a service's database handle (called when the service starts). */
export function registerReadiness(db: Knex, opts: { service: string; migrationsDir: string; workers: boolean }): void {
  const migrations = readdir(opts.migrationsDir)
    .then((names) => names.filter((n) => MIGRATION_FILE.test(n)).sort())
    .catch(() => [] as string[]);
  registrations.set(db, { service: opts.service, migrations, workers: opts.workers ? 'running' : 'off', draining: false });
}

/** Shutdown has begun: answer unready from now on; workers are being stopped. */
export function markDraining(db: Knex): void {
  const r = registrations.get(db);
  if (!r) return;
  r.draining = true;
  if (r.workers === 'running') r.workers = 'stopped';
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkReadiness(db: Knex, timeoutMs = 2000): Promise<Readiness> {
  const r = registrations.get(db);
  let database: CheckState = 'ok';
  let migrations: CheckState = 'ok';
  try {
    await withTimeout(db.raw('select 1'), timeoutMs);
  } catch (err) {
    database = `unavailable: ${(err as Error).message.split('\n')[0]!.slice(0, 200)}`;
  }
  if (database === 'ok' && r) {
    try {
      const expected = await r.migrations;
      const schema = databaseSchema(db) ?? r.service;
      const applied = new Set(
        ((await withTimeout(db.withSchema(schema).select('name').from('knex_migrations'), timeoutMs)) as { name: string }[]).map(
          (row) => row.name,
        ),
      );
      const pending = expected.filter((n) => !applied.has(n));
      if (pending.length) migrations = `${pending.length} pending: ${pending.slice(0, 3).join(', ')}${pending.length > 3 ? ', …' : ''}`;
    } catch (err) {
      migrations = `unknown: ${(err as Error).message.split('\n')[0]!.slice(0, 200)}`;
    }
  } else if (database !== 'ok') {
    migrations = 'unknown: database unavailable';
  }
  const workers: CheckState = !r
    ? 'ok'
    : r.draining
      ? 'stopped: shutting down'
      : r.workers === 'off'
        ? 'off'
        : r.workers === 'running'
          ? 'ok'
          : 'stopped';
  const ready = database === 'ok' && migrations === 'ok' && (workers === 'ok' || workers === 'off') && !r?.draining;
  return { ready, checks: { database, migrations, workers } };
}
