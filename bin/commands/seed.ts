import { Command } from 'commander';

export function seedCommand(): Command {
  return new Command('seed')
    .description("Migrate and load the catalogue's seed data (and with --demo, demo data) into an empty database.")
    .option('-s, --service <name>', 'service', 'loop')
    .option('--demo', 'also load demo data', false)
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/<service>/)')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service: string; demo: boolean; dataDir?: string; root: string }) => {
      const { prepareDatabase } = await import('../../runtime/serve/start-service.ts');
      const { closeDatabase } = await import('../../runtime/db/open-database.ts');
      const db = await prepareDatabase({ root: opts.root, service: opts.service, dataDir: opts.dataDir, demo: opts.demo });
      await closeDatabase(db);
      console.log(`${opts.service}: database migrated and seeded.`);
    });
}
