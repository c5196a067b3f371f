import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/helpers/longest-first.ts';
import { ISOLATED_FILES } from './test/isolated-files.ts';

const exclude = ['test/fixtures/**', 'test/golden/**', 'test/.tmp/**', 'node_modules/**'];
const common = { testTimeout: 60_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude,
    ...common,
    // Two cores: more workers only thrash. Each file gets its own database, so files may run in parallel.
    maxWorkers: 2,
    pool: 'forks',
    // Long files first and the kept-worker files in one block, so the two workers finish together.
    sequence: { sequencer: LongestFirst },
    // (Projects do not use `extends: true`: it would concatenate the include/exclude lists above.) Under
    // StrykerJS (vitest.mutate.config.ts, its own pool and file order) every file keeps its own process.
    projects: process.env.STRYKER_MUTATOR_WORKER
      ? undefined
      : [
          {
            // Files follow one another in a kept worker process: the runtime, the generated servers and PGlite
            // load once per worker instead of once per file. What a file may change is in test/isolated-files.ts;
            // the setup file puts process.env back after each one.
            test: {
              name: 'shared',
              include: ['test/**/*.test.ts'],
              exclude: [...exclude, ...ISOLATED_FILES],
              ...common,
              isolate: false,
              // Kept workers allocate a great deal (PGlite's result parsing, JSON, HTTP): a larger young
              // generation spends less of it in scavenges.
              execArgv: ['--max-semi-space-size=128'],
              setupFiles: ['test/helpers/shared-worker-setup.ts'],
            },
          },
          ...(ISOLATED_FILES.length ? [{ test: { name: 'isolated', include: ISOLATED_FILES, exclude, ...common } }] : []),
        ],
  },
});
