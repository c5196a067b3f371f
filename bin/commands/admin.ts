import { Command } from 'commander';

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
      const { prepareDatabase } = await import('../../runtime/serve/start-service.ts');
      const { closeDatabase } = await import('../../runtime/db/open-database.ts');
      const { serviceWiring } = await import('../../runtime/serve/service-registry.ts');
      const wiring = await serviceWiring('loop');
      const db = await prepareDatabase({ root: opts.root, service: 'loop', dataDir: opts.dataDir });
      try {
        const user = await wiring.createSuperuser!(db, { email: opts.email, password: opts.password });
        console.log(`superuser ${user.email} created (id ${user.id}).`);
      } finally {
        await closeDatabase(db);
      }
    });
  admin
    .command('create-key')
    .description('Create a server key and print it once (RoomLoop: sk_live_…; LOOP: an internal API key).')
    .option('-s, --service <name>', 'service', 'roomloop')
    .option('--role <role>', 'role of the key', 'admin')
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/<service>/)')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service: string; role: string; dataDir?: string; root: string }) => {
      const { prepareDatabase } = await import('../../runtime/serve/start-service.ts');
      const { closeDatabase } = await import('../../runtime/db/open-database.ts');
      const { serviceWiring } = await import('../../runtime/serve/service-registry.ts');
      const wiring = await serviceWiring(opts.service);
      if (!wiring.createKey) {
        console.error(`create-key: ${opts.service} has no server keys here (LOOP keys are created through /api/v1/internal-api-keys/).`);
        process.exitCode = 64;
        return;
      }
      const db = await prepareDatabase({ root: opts.root, service: opts.service, dataDir: opts.dataDir });
      try {
        const key = await wiring.createKey(db, { role: opts.role });
        console.log(key);
        console.error('Store this key now: it is shown once and kept only as a hash.');
      } finally {
        await closeDatabase(db);
      }
    });
  return admin;
}
