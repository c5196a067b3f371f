import { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunOptions } from '../build-runner.ts';
import { EXIT } from '../exit-codes.ts';

export function checkCommand(): Command {
  return new Command('check')
    .description(
      'Regenerate in memory and compare with generated/: exit 1 naming each stale file, any schema change no migration covers ' +
        'and any migration edited after it was generated.',
    )
    .option('-s, --service <name...>', 'only these services')
    .option('--root <dir>', 'project root', process.cwd())
    .action(async (opts: { service?: string[]; root: string }) => {
      process.exitCode = await runFullCheck({ root: opts.root, services: opts.service, log: console.log });
    });
}

/** The stale-output check, then migration integrity: a migration edited after it was generated fails like stale output. */
export async function runFullCheck(opts: RunOptions): Promise<number> {
  const { runCheck } = await import('../build-runner.ts');
  const stale = await runCheck(opts);
  if (stale === EXIT.catalogue) return stale;
  const problems = await checkMigrationIntegrity(opts.root, opts.services);
  for (const p of problems) opts.log(`edited  ${p}`);
  if (problems.length > 0) {
    opts.log(
      `\n${problems.length} migration${problems.length === 1 ? '' : 's'} no longer match${problems.length === 1 ? 'es' : ''} checksums.json.`,
    );
    return EXIT.failure;
  }
  return stale;
}

export async function checkMigrationIntegrity(root: string, services?: readonly string[]): Promise<string[]> {
  const { migrationsDir, verifyMigrationChecksums } = await import('../../generator/emit/migration/index.ts');
  const entries = await readdir(join(root, 'generated'), { withFileTypes: true }).catch(() => []);
  const names =
    services ??
    entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  const out: string[] = [];
  for (const service of names) {
    const dir = migrationsDir(service);
    const existing = await readdir(join(root, dir)).catch(() => [] as string[]);
    for (const p of await verifyMigrationChecksums(root, dir, existing)) out.push(p.message);
  }
  return out;
}
