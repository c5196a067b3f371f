// StrykerJS over the runtime's security- and correctness-critical layers (`npm run mutate`).
// Each area names the runtime files it mutates and the few test files that cover them, so a mutant
// runs only those files (and, with perTest coverage, only the tests that reach it) — never the whole suite.
// Run one area with MUTATE_AREA=<name> (comma-separated for several); without it every area runs.
// Run with DATABASE_URL set (PostgreSQL): the DB-backed tests are several times faster than on PGlite.
/** @type {Record<string, { mutate: string[]; tests: string[] }>} */
const AREAS = {
  tenancy: {
    mutate: ['runtime/loop/tenancy/**/*.ts'],
    tests: ['test/tenancy/tenancy.test.ts', 'test/tenancy/cache-invalidation.test.ts'],
  },
  auth: {
    mutate: ['runtime/loop/auth/**/*.ts'],
    tests: ['test/auth/*.test.ts', 'test/e2e/loop-security.test.ts'],
  },
  crud: {
    mutate: ['runtime/crud/**/*.ts'],
    tests: ['test/runtime/crud-http.test.ts', 'test/runtime/generated-values.test.ts', 'test/audit/audit-rows.test.ts'],
  },
  rules: {
    mutate: ['runtime/roomloop/rules/**/*.ts'],
    tests: [
      'test/roomloop/rules-engine-unit.test.ts',
      'test/roomloop/rules-engine.test.ts',
      'test/roomloop/rules-config.test.ts',
      'test/roomloop/facility-config.test.ts',
    ],
  },
  dependencies: {
    mutate: ['runtime/platform/dependencies/**/*.ts'],
    tests: ['test/platform/objects.test.ts'],
  },
};

const chosen = (process.env.MUTATE_AREA ?? Object.keys(AREAS).join(','))
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
for (const name of chosen) {
  if (!(name in AREAS)) throw new Error(`MUTATE_AREA: unknown area "${name}" (areas: ${Object.keys(AREAS).join(', ')})`);
}
const areas = chosen.map((name) => AREAS[name]);
const label = chosen.join('+');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // related: false — the servers under test are imported dynamically (runtime/serve/start-service.ts), which vitest's
  // related-file graph cannot follow; the area's test list already narrows the run.
  vitest: { configFile: 'vitest.config.ts', related: false },
  mutate: areas.flatMap((a) => a.mutate),
  testFiles: areas.flatMap((a) => a.tests),
  coverageAnalysis: 'perTest',
  // Static mutants (module-level tables such as the rules engine's CHECKS or zod schemas) are not
  // re-activated by the vitest runner between runs here: each one "survived" even where a test plainly
  // breaks under it (an empty ADMIN_EXEMPT). They are left out rather than counted as gaps.
  ignoreStatic: true,
  // `// @ts-nocheck` only where mutants go: generated migrations are checksummed (runtime/db/migrator.ts)
  // and refuse to run once a header is added to them.
  disableTypeChecks: 'runtime/**/*.ts',
  // Two cores shared with other work: two test-runner processes at most.
  concurrency: 2,
  // Database round trips make test times jittery on a busy machine; an infinite loop still times out.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  // State lives in .loopgen/ (git-ignored): sandboxes, the incremental file (reruns only what changed), reports.
  tempDirName: '.loopgen/stryker-tmp',
  ignorePatterns: ['.loopgen', 'dist', 'coverage', 'test/bench'],
  incremental: true,
  incrementalFile: `.loopgen/stryker/incremental-${label}.json`,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `.loopgen/stryker/mutation-${label}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
