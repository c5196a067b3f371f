import { Command, Option } from 'commander';
import { diffProjects, hasBreaking } from '../../generator/diff/diff-projects.ts';
import { formatReport, type ReportFormat } from '../../generator/diff/report.ts';
import { BaseNotFoundError, directorySource, openBase } from '../../generator/diff/sources.ts';
import { EXIT } from '../exit-codes.ts';

export interface DiffCommandOptions {
  readonly root: string;
  readonly base: string;
  readonly format: ReportFormat;
  readonly allowBreaking: boolean;
  readonly services?: readonly string[];
  readonly log: (text: string) => void;
}

export function diffCommand(): Command {
  return new Command('diff')
    .description(
      'Classify the API, database and access changes between a base (git revision or directory) and the working tree ' +
        'as breaking, potentially breaking or safe; exit 1 when anything is breaking.',
    )
    .option('--base <ref|dir>', 'git revision or project directory to compare with', 'HEAD')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--allow-breaking', 'report breaking changes but exit 0', false)
    .option('-s, --service <name...>', 'only these services')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { base: string; format: ReportFormat; allowBreaking: boolean; service?: string[]; root: string }) => {
      process.exitCode = await runDiff({
        root: opts.root,
        base: opts.base,
        format: opts.format,
        allowBreaking: opts.allowBreaking,
        services: opts.service,
        log: (t) => process.stdout.write(t),
      });
    });
}

export async function runDiff(opts: DiffCommandOptions): Promise<number> {
  let base;
  try {
    base = await openBase(opts.root, opts.base);
  } catch (err) {
    if (!(err instanceof BaseNotFoundError)) throw err;
    opts.log(`loopgen diff: ${err.message} (pass a commit, branch, tag or a directory holding a project copy)\n`);
    return EXIT.usage;
  }
  const report = await diffProjects(base, directorySource(opts.root, 'working tree'), { services: opts.services });
  opts.log(formatReport(report, opts.format));
  return hasBreaking(report) && !opts.allowBreaking ? EXIT.failure : EXIT.ok;
}
