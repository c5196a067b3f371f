/**
 * File order for `npm test` (vitest.config.ts): two workers take files from one queue, so the suite ends
 * when the worker holding the last long file does. Known long files go first, then the kept-worker files
 * (project "shared", one block so each worker process is reused from one to the next), then the rest;
 * inside each group the longest first — by the last run's duration when vitest has one, else by size.
 */
import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Files that take minutes on their own (generators and type-checks of the large documents). */
const FIRST = ['test/third-party/clients.test.ts'];

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const cache = this.ctx.cache;
    const weight = (spec: TestSpecification): number => {
      const file = relative(root, spec.moduleId);
      const last = cache.getFileTestResults(`${spec.project.name}:${file}`);
      if (last?.duration) return last.duration;
      try {
        // About a millisecond per byte of test code: only ranks files that have no duration yet.
        return statSync(spec.moduleId).size;
      } catch {
        return 0;
      }
    };
    const group = (spec: TestSpecification): number => {
      if (FIRST.includes(relative(root, spec.moduleId))) return 0;
      return spec.project.config.isolate === false ? 1 : 2;
    };
    return files
      .map((spec) => ({ spec, group: group(spec), weight: weight(spec) }))
      .sort((a, b) => a.group - b.group || b.weight - a.weight)
      .map((x) => x.spec);
  }
}
