/**
 * Runs before every file of the "shared" project (vitest.config.ts): files there follow one another in a
 * kept worker process, so whatever one file sets in `process.env` is put back once it ends — the next file
 * starts from the environment the worker was given. (Files that change other process-wide state run in a
 * process of their own: test/isolated-files.ts.)
 */
import { afterAll } from 'vitest';

const before = { ...process.env };

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in before)) delete process.env[k];
  for (const [k, v] of Object.entries(before)) if (process.env[k] !== v) process.env[k] = v;
});
