/**
 * loopgen CLI. Commands load what they need when they run (the generator and ts-morph take ~0.6 s to load; `serve`,
 * `admin` and `migrate` need none of it). Exit codes (also in `loopgen --help`):
 *   0 success · 1 check found stale output / a command failed · 2 catalogue errors ·
 *   3 destructive schema change refused (rerun with --allow-destructive) · 64 usage error.
 */
import { Command, CommanderError } from 'commander';
import { LOOPGEN_VERSION } from '../generator/version.ts';
import { buildCommand } from './commands/build.ts';
import { checkCommand } from './commands/check.ts';
import { diffCommand } from './commands/diff.ts';
import { serveCommand } from './commands/serve.ts';
import { migrateCommand } from './commands/migrate.ts';
import { seedCommand } from './commands/seed.ts';
import { adminCommand } from './commands/admin.ts';
import { EXIT } from './exit-codes.ts';

const program = new Command()
  .name('loopgen')
  .description('Generate and serve the LOOP ecosystem APIs from the YAML catalogue in spec/.')
  .version(LOOPGEN_VERSION)
  .showHelpAfterError()
  .exitOverride()
  .addHelpText(
    'after',
    `\nExit codes: 0 ok · 1 stale output or failure · 2 catalogue errors · 3 destructive change refused · 64 usage error`,
  );

program.addCommand(buildCommand());
program.addCommand(checkCommand());
program.addCommand(diffCommand());
program.addCommand(serveCommand());
program.addCommand(migrateCommand());
program.addCommand(seedCommand());
program.addCommand(adminCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version arrive here with exit code 0.
    process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    console.error(err instanceof Error ? (process.env.LOOPGEN_DEBUG ? err.stack : `loopgen: ${err.message}`) : err);
    process.exitCode = EXIT.failure;
  }
}
