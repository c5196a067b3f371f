/**
 * The CLI side of operator commands: open the database and run the command here, or — when a running
 * `serve` holds the embedded data directory — have that server run it (runtime/serve/admin-endpoint.ts).
 * Never two processes writing one PGlite directory.
 */
import { closeDatabase } from '../db/open-database.ts';
import { DataDirBusyError } from '../db/data-dir-lock.ts';
import { ADMIN_COMMANDS, AdminCommandError, callRunningServer, type AdminCommand, type AdminOutput } from './admin-endpoint.ts';
import { prepareDatabase } from './start-service.ts';

export interface RunAdminOptions {
  readonly root: string;
  readonly service: string;
  readonly dataDir?: string;
  readonly command: AdminCommand;
  readonly body: Record<string, unknown>;
}

export async function runAdminCommand(opts: RunAdminOptions): Promise<AdminOutput & { readonly via: 'database' | 'server' }> {
  let db;
  try {
    db = await prepareDatabase({ root: opts.root, service: opts.service, dataDir: opts.dataDir, command: `${opts.command}` });
  } catch (err) {
    if (!(err instanceof DataDirBusyError)) throw err;
    const owner = err.owner;
    if (owner.command !== 'serve' || !owner.port || !owner.token) {
      const starting = owner.command === 'serve' ? ' It is still starting (migrating); run the command again once it serves.' : '';
      throw new AdminCommandError(1, `${err.message}${starting}`);
    }
    return { ...(await callRunningServer(owner, opts.command, opts.body)), via: 'server' };
  }
  try {
    return { ...(await ADMIN_COMMANDS[opts.command]({ db, root: opts.root, service: opts.service }, opts.body)), via: 'database' };
  } finally {
    await closeDatabase(db);
  }
}
