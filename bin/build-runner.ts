/** `build` and `check` share generation; only the last step differs (write vs compare). */
import { generate, isPreserved, type GenerateResult } from '../generator/pipeline.ts';
import { applyWrites, planWrites } from '../generator/write/write-files.ts';
import { shortDiff } from '../generator/write/short-diff.ts';
import { isBuildFresh, recordBuild } from '../generator/write/build-cache.ts';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDiagnostic } from '../generator/diagnostics.ts';
import { EXIT } from './exit-codes.ts';

export interface RunOptions {
  readonly root: string;
  readonly services?: readonly string[];
  readonly allowDestructive?: boolean;
  /** Regenerate even when no input changed since the last build. */
  readonly force?: boolean;
  readonly log: (line: string) => void;
}

async function specServices(root: string): Promise<string[]> {
  const entries = await readdir(join(root, 'spec'), { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function reportDiagnostics(result: GenerateResult, log: (l: string) => void): boolean {
  for (const d of result.diagnostics) log(formatDiagnostic(d));
  const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
  if (errors > 0) log(`\n${errors} error${errors === 1 ? '' : 's'} in the catalogue; nothing was generated.`);
  return errors > 0;
}

function progress(): ((s: string, i: number, n: number) => void) | undefined {
  if (!process.stdout.isTTY) return undefined;
  return (s, i, n) => process.stdout.write(`\r\x1b[K[${i + 1}/${n}] generating ${s}…`);
}

export async function runBuild(opts: RunOptions): Promise<number> {
  const t0 = performance.now();
  const services = opts.services ? [...opts.services].sort() : await specServices(opts.root);
  const cacheKey = `${opts.services ? services.join('+') : 'all'}${opts.allowDestructive ? '-destructive' : ''}`;
  const owned = services.map((s) => `generated/${s}`);
  if (!opts.force && (await isBuildFresh(opts.root, cacheKey, owned))) {
    opts.log(`0 written: no input changed since the last build (${Math.round(performance.now() - t0)} ms; --force regenerates)`);
    return EXIT.ok;
  }
  const result = await generate({
    root: opts.root,
    services: opts.services,
    allowDestructive: opts.allowDestructive,
    onService: progress(),
  });
  if (process.stdout.isTTY) process.stdout.write('\r\x1b[K');
  if (reportDiagnostics(result, opts.log)) return EXIT.catalogue;
  const refused = result.migrations.filter((m) => m.destructive.length > 0 && !opts.allowDestructive);
  if (refused.length > 0) {
    for (const m of refused) {
      opts.log(`${m.service}: destructive schema change refused: ${m.destructive.map((s) => describe(s)).join('; ')}`);
    }
    opts.log('Rerun with --allow-destructive if you mean it (data in those columns/tables will be lost).');
    return EXIT.destructive;
  }
  const plan = await planWrites(opts.root, result.files, { owned: result.owned, preserve: isPreserved });
  await applyWrites(opts.root, plan);
  await recordBuild(opts.root, cacheKey, result.files);
  for (const f of plan.write) opts.log(`wrote   ${f.path}`);
  for (const p of plan.remove) opts.log(`removed ${p}`);
  for (const m of result.migrations.filter((x) => x.changed)) {
    opts.log(`${m.service}: new migration with ${m.statements.length} statement(s)`);
  }
  const ms = Math.round(performance.now() - t0);
  opts.log(`${plan.write.length} written, ${plan.keep.length} unchanged, ${plan.remove.length} removed in ${ms} ms`);
  return EXIT.ok;
}

export async function runCheck(opts: RunOptions): Promise<number> {
  const result = await generate({ root: opts.root, services: opts.services, allowDestructive: true });
  if (reportDiagnostics(result, opts.log)) return EXIT.catalogue;
  const plan = await planWrites(opts.root, result.files, { owned: result.owned, preserve: isPreserved });
  let stale = 0;
  for (const m of result.migrations.filter((x) => x.changed)) {
    stale++;
    opts.log(`${m.service}: schema change not covered by a migration: ${m.statements.map((s) => describe(s)).join('; ')}`);
  }
  for (const f of plan.write) {
    if (isPreserved(f.path) || f.path.endsWith('/migrations/snapshot.json')) continue; // reported above
    stale++;
    const before = plan.previous.get(f.path);
    opts.log(before === undefined ? `missing ${f.path}` : `stale   ${f.path}\n${indent(shortDiff(before, f.contents))}`);
  }
  for (const p of plan.remove) {
    stale++;
    opts.log(`orphan  ${p}`);
  }
  if (stale > 0) {
    opts.log(`\ngenerated/ is out of date (${stale} problem${stale === 1 ? '' : 's'}). Run \`loopgen build\`.`);
    return EXIT.failure;
  }
  opts.log(`generated/ is up to date (${plan.keep.length} files).`);
  return EXIT.ok;
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
}

function describe(s: { kind: string } & Record<string, unknown>): string {
  const target = ['table', 'column', 'name'].map((k) => s[k]).filter((v) => typeof v === 'string');
  return target.length ? `${s.kind} ${target.join('.')}` : s.kind;
}
