import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/helpers/longest-first.ts';
import { SHARED_WORKER_FILES } from './test/shared-worker-files.ts';

const exclude = ['test/fixtures/**', 'test/golden/**', 'node_modules/**'];
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
            // Files that start a service on a database of their own and leave no process-wide state behind
            // (test/shared-worker-files.ts) run one after another in a kept worker process: the runtime, the
            // generated servers and PGlite load once per worker instead of once per file.
            test: { name: 'shared', include: SHARED_WORKER_FILES, exclude, ...common, isolate: false },
          },
          {
            test: { name: 'isolated', include: ['test/**/*.test.ts'], exclude: [...exclude, ...SHARED_WORKER_FILES], ...common },
          },
        ],
  },
});
