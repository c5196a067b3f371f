/**
 * Vitest as StrykerJS drives it (stryker.config.mjs): the project's config, with test files run in the
 * order the mutation area lists them (MUTATE_TEST_ORDER, cheapest first). A mutant runs every test that
 * covers it and stops at the first failure (bail), so running the quick unit files before the ones that
 * set up a database or a server makes most killed mutants cost a fraction of a second.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

const order: string[] = JSON.parse(process.env.MUTATE_TEST_ORDER ?? '[]');
const patterns = order.map(
  (glob) =>
    new RegExp(
      '^' +
        glob
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*\*\//g, '(?:.*/)?')
          .replace(/\*/g, '[^/]*') +
        '$',
    ),
);

function rank(file: string): number {
  const i = patterns.findIndex((p) => p.test(file));
  return i === -1 ? patterns.length : i;
}

class ListedOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    return [...files].sort((a, b) => rank(relative(root, a.moduleId)) - rank(relative(root, b.moduleId)));
  }
}

export default mergeConfig(base, defineConfig({ test: { sequence: { sequencer: ListedOrder } } }));
