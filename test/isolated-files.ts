/**
 * Test files that need a process of their own (vitest.config.ts, project "isolated"). Every other file runs
 * in a kept worker process (project "shared", `isolate: false`): the runtime, the generated servers and PGlite
 * load once per worker instead of once per file, which is most of what a file that starts a service costs.
 *
 * A file can share a worker when it leaves the process as it found it:
 * - it opens databases through test/helpers/test-service.ts (a fresh copy of the template per call) and closes
 *   every service, server and child process it starts;
 * - it mocks nothing (vi.mock/vi.spyOn/vi.stubGlobal/fake timers would leak into the next file);
 * - it changes no process-wide setting other than `process.env`, which test/helpers/shared-worker-setup.ts
 *   puts back after each file. A module that reads the environment once at import cannot be re-configured
 *   by a later file: such a file goes here.
 * Each entry says why it cannot share.
 */
export const ISOLATED_FILES: string[] = [];
