/** Loads the basic fixture catalogue once for the SDK tests. */
import type { ServiceNode } from '../../generator/ir/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { projectRoot } from '../helpers/golden.ts';

export const ctx = { root: projectRoot, version: '0.0.0-test' };
/** Where the golden SDKs live; the consumer fixture and runtime tests import them. */
export const GOLDEN_CASE = 'sdk-basic';

export async function loadFixture(): Promise<{ shop: ServiceNode; rooms: ServiceNode }> {
  const { catalogue, diagnostics } = await loadCatalogue(projectRoot, { specDir: 'test/fixtures/basic/spec' });
  if (!catalogue) throw new Error(`fixture does not load:\n${diagnostics.map((d) => JSON.stringify(d)).join('\n')}`);
  const get = (n: string) => catalogue.services.find((s) => s.name === n)!;
  return { shop: get('shop'), rooms: get('rooms') };
}
