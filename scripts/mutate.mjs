#!/usr/bin/env node
// `npm run mutate [-- <area>…]`: StrykerJS over each area of stryker.config.mjs, one area at a time (each keeps
// its own incremental file, so a re-run only tests mutants whose code or tests changed), then a table of scores.
// Not part of `npm test` or CI: a full run takes tens of minutes on two cores.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { AREAS, GROUPS } from '../stryker.config.mjs';

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const names = (asked.length ? asked : Object.keys(AREAS)).flatMap((name) => GROUPS[name] ?? [name]);
for (const name of names) {
  if (!(name in AREAS)) {
    console.error(`unknown area "${name}" (areas: ${Object.keys(AREAS).join(', ')}; groups: ${Object.keys(GROUPS).join(', ')})`);
    process.exit(64);
  }
}
if (!process.env.DATABASE_URL) {
  console.warn('DATABASE_URL is not set: tests load a PGlite template for every mutant, which is several times slower.');
}

/** Counts by status from a mutation-testing-report-schema JSON report. */
function tally(file) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const n = { total: 0, Killed: 0, Survived: 0, Timeout: 0, NoCoverage: 0, Ignored: 0, RuntimeError: 0, CompileError: 0 };
  for (const f of Object.values(report.files)) {
    for (const m of f.mutants) {
      n[m.status] = (n[m.status] ?? 0) + 1;
      n.total++;
    }
  }
  const detected = n.Killed + n.Timeout;
  const valid = detected + n.Survived + n.NoCoverage;
  return { ...n, score: valid ? (100 * detected) / valid : 100 };
}

const rows = [];
for (const name of names) {
  const started = Date.now();
  const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', ...extra], {
    stdio: 'inherit',
    env: { ...process.env, MUTATE_AREA: name },
  });
  const minutes = (Date.now() - started) / 60_000;
  const file = `.loopgen/stryker/mutation-${name}.json`;
  if (run.status !== 0 || !existsSync(file)) {
    rows.push({ name, failed: true, minutes });
    continue;
  }
  rows.push({ name, minutes, ...tally(file) });
}

const pad = (v, w) => String(v).padStart(w);
console.log('\narea          mutants  killed  survived  timeout  no-cov  ignored   score   minutes');
const sum = { total: 0, Killed: 0, Survived: 0, Timeout: 0, NoCoverage: 0, Ignored: 0, minutes: 0 };
for (const r of rows) {
  if (r.failed) {
    console.log(`${r.name.padEnd(12)}  run failed after ${r.minutes.toFixed(1)} min`);
    continue;
  }
  for (const k of Object.keys(sum)) sum[k] += r[k];
  console.log(
    `${r.name.padEnd(12)} ${pad(r.total, 8)} ${pad(r.Killed, 7)} ${pad(r.Survived, 9)} ${pad(r.Timeout, 8)} ${pad(r.NoCoverage, 7)} ${pad(r.Ignored, 8)} ${pad(r.score.toFixed(1) + '%', 7)} ${pad(r.minutes.toFixed(1), 9)}`,
  );
}
if (rows.length > 1) {
  const valid = sum.Killed + sum.Timeout + sum.Survived + sum.NoCoverage;
  const score = valid ? (100 * (sum.Killed + sum.Timeout)) / valid : 100;
  console.log(
    `${'total'.padEnd(12)} ${pad(sum.total, 8)} ${pad(sum.Killed, 7)} ${pad(sum.Survived, 9)} ${pad(sum.Timeout, 8)} ${pad(sum.NoCoverage, 7)} ${pad(sum.Ignored, 8)} ${pad(score.toFixed(1) + '%', 7)} ${pad(sum.minutes.toFixed(1), 9)}`,
  );
}
process.exit(rows.some((r) => r.failed) ? 1 : 0);
