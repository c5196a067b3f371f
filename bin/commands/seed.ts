import { Command } from 'commander';
import { runAdmin } from './admin.ts';

export function seedCommand(): Command {
  return new Command('seed')
    .description("Migrate and load the catalogue's seed data (and with --demo, demo data) into an empty database.")
    .option('-s, --service <name>', 'service', 'loop')
    .option('--demo', 'also load demo data', false)
    .option('--data-dir <dir>', 'embedded database directory (default .loopgen/<service>/)')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service: string; demo: boolean; dataDir?: string; root: string }) => {
      // While `serve` holds the embedded directory, the server seeds it (it has already migrated).
      await runAdmin(opts, 'seed', { demo: opts.demo });
    });
}
