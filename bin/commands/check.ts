import { Command } from 'commander';
import { runCheck } from '../build-runner.ts';

export function checkCommand(): Command {
  return new Command('check')
    .description('Regenerate in memory and compare with generated/: exit 1 naming each stale file and any schema change no migration covers.')
    .option('-s, --service <name...>', 'only these services')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service?: string[]; root: string }) => {
      process.exitCode = await runCheck({ root: opts.root, services: opts.service, log: console.log });
    });
}
