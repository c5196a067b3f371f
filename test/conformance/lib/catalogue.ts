/**
 * The IR the conformance suite is generated from, and how its modules are split into shards:
 * each shard file starts one server and covers a slice, so vitest's workers run slices in parallel.
 */
import { join } from 'node:path';
import type { ModuleNode, ServiceNode } from '../../../generator/ir/index.ts';
import { loadCatalogue } from '../../../generator/load/load-catalogue.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

export async function loadService(name: string): Promise<ServiceNode> {
  const { catalogue, diagnostics } = await loadCatalogue(ROOT, { services: [name] });
  const service = catalogue?.services.find((s) => s.name === name);
  if (!service) throw new Error(`catalogue ${name} does not load:\n${diagnostics.map((d) => JSON.stringify(d)).join('\n')}`);
  return service;
}

/** Rough cost of testing a module: its resources, plus the parents their references make us create. */
function weight(m: ModuleNode): number {
  return m.resources.reduce((sum, r) => sum + (r.operations.length ? 3 + r.fields.filter((f) => f.type === 'ref').length : 0), 0);
}

/**
 * Modules of shard `index` (1-based) of `count`: heaviest first onto the lightest shard, so the
 * split is balanced and deterministic (a new module moves few others).
 */
export function shardModules(service: ServiceNode, index: number, count: number): ModuleNode[] {
  const bins = Array.from({ length: count }, () => ({ load: 0, modules: [] as ModuleNode[] }));
  const sorted = [...service.modules].sort((a, b) => weight(b) - weight(a) || a.name.localeCompare(b.name));
  for (const m of sorted) {
    const bin = bins.reduce((lo, b) => (b.load < lo.load ? b : lo));
    bin.load += weight(m);
    bin.modules.push(m);
  }
  return bins[index - 1]!.modules.sort((a, b) => a.name.localeCompare(b.name));
}
