/**
 * `npm run fuzz [-- options]`: the fuzz suite of test/fuzz over the three generated services with a
 * larger budget than the CI slice (test/fuzz/fuzz-slice.test.ts). Prints a summary table and, with
 * --findings, writes the grouped failures to test/fuzz/FINDINGS.md. Exit code 1 when anything failed.
 *
 *   --service loop,platform   services (default: loop, roomloop, platform)
 *   --seed 1                  fast-check seed: the same seed gives the same cases
 *   --positives 3 --per-kind 1 cases per operation: positive ones, and per negative kind
 *   --cases-per-op 1          the CI slice's budget: one case per operation (positive or one negative kind)
 *   --concurrency 4           operations run side by side (deletes one at a time, last)
 *   --only 'POST /forms'      only operations whose `METHOD /path` contains the text (replay one case)
 *   --minutes 8               stop each service after this long
 *   --findings                write test/fuzz/FINDINGS.md
 *   --show 20                 print this many failures with their curl lines
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runFuzz } from '../test/fuzz/lib/run.ts';
import { findingsMarkdown, summaryTable } from '../test/fuzz/lib/report.ts';

const { values } = parseArgs({
  options: {
    service: { type: 'string', default: 'loop,roomloop,platform' },
    seed: { type: 'string', default: '1' },
    positives: { type: 'string', default: '3' },
    'per-kind': { type: 'string', default: '1' },
    'cases-per-op': { type: 'string' },
    concurrency: { type: 'string', default: '4' },
    only: { type: 'string' },
    minutes: { type: 'string' },
    findings: { type: 'boolean', default: false },
    show: { type: 'string', default: '10' },
  },
});

const t0 = performance.now();
const result = await runFuzz({
  services: values
    .service!.split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  seed: Number(values.seed),
  budget: {
    positives: Number(values.positives),
    perKind: Number(values['per-kind']),
    casesPerOp: values['cases-per-op'] ? Number(values['cases-per-op']) : undefined,
  },
  only: values.only,
  concurrency: Number(values.concurrency),
  deadlineMs: values.minutes ? Number(values.minutes) * 60_000 : undefined,
  progress: (service, done, total) => {
    if (done % 100 === 0 || done === total) process.stdout.write(`  ${service}: ${done}/${total} operations\n`);
  },
});

for (const f of result.failures.slice(0, Number(values.show))) {
  console.log(`\n✗ ${f.check} · ${f.service} ${f.op} (${f.kind}${f.note ? `: ${f.note}` : ''}) → ${f.detail}\n  ${f.curl}`);
}
console.log(
  `\n${summaryTable(result)}\n\n${result.failures.length} failures in ${((performance.now() - t0) / 1000).toFixed(0)} s (seed ${result.seed})`,
);
if (values.findings) {
  const args = process.argv.slice(2).join(' ');
  const file = join(import.meta.dirname, '..', 'test', 'fuzz', 'FINDINGS.md');
  writeFileSync(file, findingsMarkdown(result, `npm run fuzz -- ${args}`.trim()));
  console.log(`wrote ${file}`);
}
process.exit(result.failures.length ? 1 : 0);
