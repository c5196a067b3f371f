import { Command, Argument } from 'commander';
import { join } from 'node:path';

export function migrateCommand(): Command {
  return new Command('migrate')
    .description('Apply (up), roll back the last batch (down) or list (status) the generated migrations of a service.')
    .addArgument(new Argument('[direction]', 'what to do').choices(['up', 'down', 'status']).default('up'))
    .option('-s, --service <name>', 'service', 'loop')
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/<service>/)')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (direction: 'up' | 'down' | 'status', opts: { service: string; dataDir?: string; root: string }) => {
      const { openDatabase, closeDatabase } = await import('../../runtime/db/open-database.ts');
      const { migrate } = await import('../../runtime/db/migrator.ts');
      const { defaultDataDir } = await import('../../runtime/serve/start-service.ts');
      const db = await openDatabase({
        service: opts.service,
        url: process.env.DATABASE_URL,
        dataDir: opts.dataDir ?? defaultDataDir(opts.root, opts.service),
        command: 'migrate',
      });
      try {
        const result = await migrate(db, {
          service: opts.service,
          dir: join(opts.root, 'generated', opts.service, 'migrations'),
          direction,
        });
        console.log(typeof result === 'string' ? result : JSON.stringify(result, null, 2));
      } finally {
        await closeDatabase(db);
      }
    });
}
