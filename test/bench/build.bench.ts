/**
 * Build speed for the whole catalogue: a full build (empty generated/), a no-op build (everything
 * current) and, as the baseline measured in the same run, openapi-typescript turning the same
 * OpenAPI documents into types. Prints times and ratios; asserts nothing.
 * Aims: full build < 10 s, no-op build < 1 s on a 2-core machine.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { runBuild } from '../../bin/build-runner.ts';

const root = join(import.meta.dirname, '..', '..');
const quiet = () => {};

async function time<T>(fn: () => Promise<T>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

const scratch = await mkdtemp(join(tmpdir(), 'loopgen-bench-'));
try {
  await cp(join(root, 'spec'), join(scratch, 'spec'), { recursive: true });
  const full = await time(() => runBuild({ root: scratch, log: quiet }));
  // Without the build cache: regenerate everything in memory and find nothing to write.
  const noop = await time(() => runBuild({ root: scratch, log: quiet, force: true }));
  const noop2 = await time(() => runBuild({ root: scratch, log: quiet, force: true }));
  // With it: fingerprints of inputs and outputs match the last build, generation is skipped.
  const cached = await time(() => runBuild({ root: scratch, log: quiet }));

  const services = ['loop', 'roomloop', 'platform'];
  let baseline = 0;
  for (const s of services) {
    let doc: string;
    try {
      doc = await readFile(join(scratch, 'generated', s, 'openapi.json'), 'utf8');
    } catch {
      continue;
    }
    baseline += await time(async () => astToString(await openapiTS(JSON.parse(doc))));
  }
  const noopBest = Math.min(noop, noop2);
  console.log(`full build          ${full.toFixed(0).padStart(7)} ms   (aim < 10000 ms)`);
  console.log(`no-op build         ${cached.toFixed(0).padStart(7)} ms   (aim < 1000 ms; build cache)`);
  console.log(`no-op --force       ${noopBest.toFixed(0).padStart(7)} ms   (regenerates in memory, writes nothing)`);
  console.log(`openapi-typescript  ${baseline.toFixed(0).padStart(7)} ms   (types only, same documents)`);
  console.log(`ratio full build / openapi-typescript: ${(full / baseline).toFixed(2)}`);
  console.log(`ratio no-op build / openapi-typescript: ${(cached / baseline).toFixed(2)}`);
  console.log(`ratio no-op --force / openapi-typescript: ${(noopBest / baseline).toFixed(2)}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
