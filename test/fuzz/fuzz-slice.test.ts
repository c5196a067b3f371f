/**
 * The CI slice of the fuzz suite (test/fuzz/lib, `npm run fuzz` for the full budget): every operation
 * of the three generated OpenAPI documents, one case each (a positive one or one negative kind, drawn
 * from a fixed seed), against the real servers signed in as a tenant. Every answer must be below 500,
 * documented, valid against its documented schema, free of stack traces and SQL text; invalid input
 * must be refused.
 *
 * LOOPGEN_FUZZ_STRICT=0 turns the assertions into a report (the failures are printed either way);
 * it is on by default. test/fuzz/FINDINGS.md holds the grouped failures of the last full run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runFuzz, type CaseFailure, type RunResult } from './lib/run.ts';
import { summaryTable } from './lib/report.ts';

const STRICT = !['0', 'false', 'off', 'no'].includes((process.env.LOOPGEN_FUZZ_STRICT ?? '1').toLowerCase());
const SEED = 20_260_610;
const results: RunResult[] = [];

function describeFailure(f: CaseFailure): string {
  return `${f.check} · ${f.service} ${f.op} (${f.kind}${f.note ? `: ${f.note}` : ''}) → ${f.detail}\n    ${f.curl}`;
}

describe('fuzz slice: one case per operation, every answer checked against the document', () => {
  afterAll(() => {
    if (!results.length) return;
    const all: RunResult = {
      seed: SEED,
      budget: results[0]!.budget,
      services: results.flatMap((r) => r.services),
      failures: results.flatMap((r) => r.failures),
    };
    console.log(`fuzz slice (seed ${SEED}, strict ${STRICT ? 'on' : 'off'}):\n${summaryTable(all)}`);
  });

  for (const service of ['loop', 'roomloop', 'platform']) {
    it(`${service}: no 5xx, no undocumented status, no schema mismatch, no stack trace`, async () => {
      const result = await runFuzz({ services: [service], seed: SEED, budget: { positives: 1, perKind: 1, casesPerOp: 1 } });
      results.push(result);
      const lines = result.failures.map(describeFailure);
      if (lines.length)
        console.log(`${service}: ${lines.length} failure(s), first ${Math.min(lines.length, 15)}:\n  ${lines.slice(0, 15).join('\n  ')}`);
      const byCheck: Record<string, number> = {};
      for (const f of result.failures) byCheck[f.check] = (byCheck[f.check] ?? 0) + 1;
      // Counts, not the list: the list (with curl lines) is printed above and would drown the diff.
      if (STRICT)
        expect({ service, failedCases: result.services[0]!.failedCases, byCheck }).toEqual({ service, failedCases: 0, byCheck: {} });
    }, 240_000);
  }
});
