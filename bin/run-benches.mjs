#!/usr/bin/env node
// `npm run bench`: runs every test/bench/*.bench.ts in turn (or those named on the command line).
// Benches print measurements and ratios against a baseline taken in the same run; they never assert on time.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, '..', 'test', 'bench');
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();
let failed = 0;
for (const b of benches) {
  console.log(`\n== ${b} ==`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(dir, b)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
