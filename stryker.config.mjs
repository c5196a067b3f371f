// StrykerJS over the runtime's security- and correctness-critical layers (`npm run mutate [-- <area>…]`,
// scripts/mutate.mjs runs the areas one after another and prints a table of scores).
// Each area names the runtime files it mutates and the few fast test files that cover them: tests that import
// the runtime modules directly, or one in-process server per file. With perTest coverage a mutant runs only the
// tests that reach it — never the whole suite.
// Run one area with MUTATE_AREA=<name> (comma-separated for several); without it every area runs in one report.
//
// Speed: StrykerJS re-runs a test file for every mutant, so a file's beforeAll is paid per mutant. With
// DATABASE_URL set, LOOPGEN_TEST_DB=rollback (set below) gives each file a rolled-back transaction on a database
// kept per worker (test/helpers/test-service.ts) instead of creating and dropping a database per run — that
// alone took 5–15 s per mutant. Without DATABASE_URL the tests load a PGlite template per run (seconds).
/** @type {Record<string, { mutate: string[]; tests: string[]; freshDatabase?: boolean }>} */
export const AREAS = {
  tenancy: {
    // cache-sync.ts is the cross-process cache bus (runtime/pubsub), measured with it rather than here.
    mutate: ['runtime/loop/tenancy/**/*.ts', '!runtime/loop/tenancy/cache-sync.ts'],
    // The server tests (cache-invalidation, test/loop-security/tenant-powers) prove the same rules end to end
    // at several seconds per run; owner-guard.test.ts calls the handlers directly.
    tests: ['test/tenancy/tenancy-units.test.ts', 'test/tenancy/owner-guard.test.ts', 'test/tenancy/tenancy.test.ts'],
  },
  // auth and crud are large (≈1,400 and ≈1,000 mutants): split so each part finishes and keeps its own
  // incremental state; `npm run mutate -- auth` (or crud) runs the parts of the group (GROUPS below).
  'auth-tokens': {
    mutate: [
      'runtime/loop/auth/token-service.ts',
      'runtime/loop/auth/session-flows.ts',
      'runtime/loop/auth/password-reset-flow.ts',
      'runtime/loop/auth/user-store.ts',
      'runtime/loop/auth/create-user.ts',
      'runtime/loop/auth/create-superuser.ts',
    ],
    tests: ['test/auth/token-service.test.ts', 'test/auth/flows.test.ts', 'test/auth/auth-units.test.ts', 'test/auth/tokens.test.ts'],
  },
  'auth-keys': {
    mutate: [
      'runtime/loop/auth/api-keys.ts',
      'runtime/loop/auth/env-key.ts',
      'runtime/loop/auth/internal-key-handler.ts',
      'runtime/loop/auth/client-apps.ts',
      'runtime/loop/auth/loop-auth-provider.ts',
    ],
    tests: ['test/auth/auth-units.test.ts', 'test/tenancy/tenancy.test.ts', 'test/auth/flows-and-secrets.test.ts'],
  },
  'auth-flows': {
    mutate: [
      'runtime/loop/auth/invitation-flow.ts',
      'runtime/loop/auth/me-flow.ts',
      'runtime/loop/auth/company-provisioning.ts',
      'runtime/loop/auth/loop-services.ts',
      'runtime/loop/auth/loop-schema.ts',
    ],
    tests: [
      'test/auth/provisioning.test.ts',
      'test/auth/flows.test.ts',
      'test/auth/auth-units.test.ts',
      'test/tenancy/owner-guard.test.ts',
      'test/auth/flows-and-secrets.test.ts',
      'test/auth/idempotency-ratelimit.test.ts',
    ],
  },
  security: {
    mutate: ['runtime/security/**/*.ts'],
    tests: ['test/auth/security-units.test.ts', 'test/auth/password-policy.test.ts', 'test/auth/auth-units.test.ts'],
  },
  'crud-scope': {
    mutate: [
      'runtime/crud/scope.ts',
      'runtime/crud/ref-check.ts',
      'runtime/crud/rows.ts',
      'runtime/crud/retrieve.ts',
      'runtime/crud/pg-temporal.ts',
      'runtime/crud/list-query.ts',
      'runtime/crud/row-codec.ts',
    ],
    tests: ['test/runtime/crud-units.test.ts', 'test/runtime/crud-http.test.ts'],
  },
  'crud-writes': {
    // generated-values.test.ts runs concurrent transactions against a real service: it needs its own database.
    freshDatabase: true,
    mutate: ['runtime/crud/**/*.ts', '!runtime/crud/{scope,ref-check,rows,retrieve,pg-temporal,list-query,row-codec}.ts'],
    tests: ['test/runtime/crud-units.test.ts', 'test/runtime/crud-http.test.ts', 'test/runtime/generated-values.test.ts'],
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
    tests: ['test/platform/dependencies/*.test.ts'],
  },
};

/** Names that stand for several areas. */
export const GROUPS = {
  auth: ['auth-tokens', 'auth-keys', 'auth-flows', 'security'],
  crud: ['crud-scope', 'crud-writes'],
};

const chosen = (process.env.MUTATE_AREA ?? Object.keys(AREAS).join(','))
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean)
  .flatMap((name) => GROUPS[name] ?? [name]);
for (const name of chosen) {
  if (!(name in AREAS)) throw new Error(`MUTATE_AREA: unknown area "${name}" (areas: ${Object.keys(AREAS).join(', ')})`);
}
const areas = chosen.map((name) => AREAS[name]);
const label = chosen.join('+');

// Inherited by the test-runner processes and their vitest workers.
if (!areas.some((a) => a.freshDatabase)) process.env.LOOPGEN_TEST_DB ??= 'rollback';
// vitest.mutate.config.ts runs the files in this order: list an area's cheapest tests first.
process.env.MUTATE_TEST_ORDER = JSON.stringify(areas.flatMap((a) => a.tests));

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  // related: false — the servers under test are imported dynamically (runtime/serve/start-service.ts), which vitest's
  // related-file graph cannot follow; the area's test list already narrows the run.
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
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
  // Two cores shared with other work: one test-runner process.
  concurrency: 1,
  // Database round trips make test times jittery on a busy machine; an infinite loop still times out.
  timeoutMS: 20_000,
  timeoutFactor: 2,
  // State lives in .loopgen/ (git-ignored): sandboxes, the incremental file (reruns only what changed), reports.
  tempDirName: '.loopgen/stryker-tmp',
  ignorePatterns: ['.loopgen', 'dist', 'coverage', 'test/bench', 'test/.tmp', 'generated/*/sdk/node_modules'],
  incremental: true,
  incrementalFile: `.loopgen/stryker/incremental-${label}.json`,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `.loopgen/stryker/mutation-${label}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
