/**
 * Operator commands (`loopgen admin create-superuser`, `admin create-key`, `seed`) while `serve` holds
 * an embedded data directory. PGlite allows one process per directory (runtime/db/data-dir-lock.ts),
 * so a second command does not open the files: it finds the server's port and token in the lock file
 * and asks the server, over loopback, to run the same code on its own connection.
 * The endpoint exists only on servers that hold such a lock; it answers loopback callers that present
 * the token (the lock file is mode 0600: only the user who started the server can read it).
 */
import type { Application as Express, Request } from 'express';
import type { Knex } from 'knex';
import { join } from 'node:path';
import { seedIfEmpty } from '../db/seed.ts';
import type { LockOwner } from '../db/data-dir-lock.ts';
import { safeEqual } from '../security/token-hash.ts';
import { serviceWiring } from './service-registry.ts';

export const ADMIN_PATH = '/_loopgen/admin/';

export interface AdminEnv {
  readonly db: Knex;
  readonly root: string;
  readonly service: string;
}

/** What a command prints: `out` to stdout, `err` to stderr. */
export interface AdminOutput {
  readonly out: readonly string[];
  readonly err: readonly string[];
}

type AdminBody = Record<string, unknown>;

/** One implementation per command, run in the CLI process or, while a server runs, inside it. */
export const ADMIN_COMMANDS: Record<'create-superuser' | 'create-key' | 'seed', (env: AdminEnv, body: AdminBody) => Promise<AdminOutput>> =
  {
    'create-superuser': async ({ db, service }, body) => {
      const wiring = await serviceWiring(service);
      if (!wiring.createSuperuser) throw new AdminCommandError(64, `create-superuser: ${service} has no superusers.`);
      const user = await wiring.createSuperuser(db, { email: String(body.email ?? ''), password: String(body.password ?? '') });
      return { out: [`superuser ${user.email} created (id ${user.id}).`], err: [] };
    },
    'create-key': async ({ db, service }, body) => {
      const wiring = await serviceWiring(service);
      if (!wiring.createKey) {
        throw new AdminCommandError(
          64,
          `create-key: ${service} has no server keys here (LOOP keys are created through /api/v1/internal-api-keys/).`,
        );
      }
      const key = await wiring.createKey(db, { role: String(body.role ?? 'admin') });
      return { out: [key], err: ['Store this key now: it is shown once and kept only as a hash.'] };
    },
    seed: async ({ db, root, service }, body) => {
      const out: string[] = [];
      const seedFile = join(root, 'generated', service, 'seed.json');
      await seedIfEmpty(db, { service, seedFile, demo: false });
      if (body.demo === true) {
        const wiring = await serviceWiring(service);
        out.push(...((await wiring.demoAccount?.(db)) ?? []));
        await seedIfEmpty(db, { service, seedFile, demo: true });
      }
      out.push(`${service}: database migrated and seeded.`);
      return { out, err: [] };
    },
  };

export type AdminCommand = keyof typeof ADMIN_COMMANDS;

/** A refusal with an exit code (usage errors are 64). */
export class AdminCommandError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'AdminCommandError';
  }
}

function fromLoopback(req: Request): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

export function mountAdminEndpoint(app: Express, env: AdminEnv, token: () => string | undefined): void {
  app.post(`${ADMIN_PATH}:command`, async (req, res) => {
    const expected = token();
    const given = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    if (!expected || !fromLoopback(req) || !safeEqual(given, expected)) {
      res.status(403).json({ detail: 'The admin endpoint answers loopback callers holding the data directory token.' });
      return;
    }
    const run = ADMIN_COMMANDS[req.params.command as AdminCommand] as ((e: AdminEnv, b: AdminBody) => Promise<AdminOutput>) | undefined;
    if (!Object.hasOwn(ADMIN_COMMANDS, String(req.params.command)) || !run) {
      res.status(404).json({ detail: `No admin command "${req.params.command}".` });
      return;
    }
    const body = req.body && typeof req.body === 'object' ? (req.body as AdminBody) : {};
    try {
      res.json(await run(env, body));
    } catch (err) {
      // The command's own message (a weak password, a duplicate email) is what the operator must see.
      const exitCode = err instanceof AdminCommandError ? err.exitCode : 1;
      res.status(422).json({ exitCode, detail: err instanceof Error ? err.message : String(err) });
    }
  });
}

/** Runs a command on the server that holds the data directory. */
export async function callRunningServer(owner: LockOwner, command: AdminCommand, body: AdminBody): Promise<AdminOutput> {
  const host = !owner.host || owner.host === '0.0.0.0' || owner.host === '::' ? '127.0.0.1' : owner.host;
  const res = await fetch(`http://${host.includes(':') ? `[${host}]` : host}:${owner.port}${ADMIN_PATH}${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${owner.token}` },
    body: JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => ({}))) as Partial<AdminOutput> & { detail?: string; exitCode?: number };
  if (!res.ok) throw new AdminCommandError(answer.exitCode ?? 1, answer.detail ?? `the running server answered ${res.status}`);
  return { out: answer.out ?? [], err: answer.err ?? [] };
}
