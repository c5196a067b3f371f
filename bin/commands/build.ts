import { Command } from 'commander';

export function buildCommand(): Command {
  return new Command('build')
    .description('Regenerate generated/ (and spec/catalogue.schema.json) from spec/. Writes only changed files, removes orphans.')
    .option('-s, --service <name...>', 'only these services')
    .option('--allow-destructive', 'allow migrations that drop columns/tables or narrow types', false)
    .option('--force', 'regenerate even when no input changed since the last build', false)
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service?: string[]; allowDestructive: boolean; force: boolean; root: string }) => {
      const { runBuild } = await import('../build-runner.ts');
      process.exitCode = await runBuild({
        root: opts.root,
        services: opts.service,
        allowDestructive: opts.allowDestructive,
        force: opts.force,
        log: console.log,
      });
    });
}
