import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/fixtures/**', 'test/golden/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only thrash. Each file gets its own database schema, so files may run in parallel.
    maxWorkers: 2,
    pool: 'forks',
  },
});
