import { Command } from 'commander';
import type { AdminCommand } from '../../runtime/serve/admin-endpoint.ts';

/**
 * Runs an operator command against the configured database; while `serve` holds the embedded data
 * directory, the running server does the work (runtime/serve/admin-command.ts).
 */
export async function runAdmin(
  opts: { root: string; service: string; dataDir?: string },
  command: AdminCommand,
  body: Record<string, unknown>,
): Promise<void> {
  const { runAdminCommand } = await import('../../runtime/serve/admin-command.ts');
  const { AdminCommandError } = await import('../../runtime/serve/admin-endpoint.ts');
  try {
    const result = await runAdminCommand({ root: opts.root, service: opts.service, dataDir: opts.dataDir, command, body });
    for (const line of result.out) console.log(line);
    for (const line of result.err) console.error(line);
    if (result.via === 'server') console.error('(done by the running server, which holds the embedded database)');
  } catch (err) {
    if (!(err instanceof AdminCommandError)) throw err;
    console.error(`loopgen ${command}: ${err.message}`);
    process.exitCode = err.exitCode;
  }
}

/** Operator commands that act on the configured database (DATABASE_URL or the embedded one). */
export function adminCommand(): Command {
  const admin = new Command('admin').description('Administrative commands against the configured database.');
  admin
    .command('create-superuser')
    .description('Create the first LOOP superuser (the createsuperuser of this world).')
    .requiredOption('--email <email>', 'email')
    .requiredOption('--password <password>', 'password (checked by the password policy)')
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/loop/)')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { email: string; password: string; dataDir?: string; root: string }) => {
      await runAdmin({ ...opts, service: 'loop' }, 'create-superuser', { email: opts.email, password: opts.password });
    });
  admin
    .command('create-key')
    .description('Create a server key and print it once (RoomLoop: sk_live_…; platform: a scoped key).')
    .option('-s, --service <name>', 'service', 'roomloop')
    .option('--role <role>', 'role of the key', 'admin')
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/<service>/)')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service: string; role: string; dataDir?: string; root: string }) => {
      await runAdmin(opts, 'create-key', { role: opts.role });
    });
  return admin;
}
