/**
 * The typed client SDK of one service → `generated/<service>/sdk/`.
 * Self-contained (it is published as its own npm package): the hand-written transport and errors
 * in `runtime-sdk/` are copied in, never imported from `runtime/`.
 */
import { readFile } from 'node:fs/promises';
import type { ServiceNode } from '../../ir/index.ts';
import { byKey } from '../../shared/ordering.ts';
import { header, type EmitContext, type GeneratedFile } from '../generated-file.ts';
import { emitDist } from './emit-dist.ts';
import { emitIndex, emitWire } from './emit-index.ts';
import { emitModule } from './emit-module.ts';
import { emitPackage } from './emit-package.ts';
import { emitReadme } from './emit-readme.ts';
import { emitTypes } from './emit-types.ts';

/** Hand-written files shipped inside every SDK, read from loopgen's own source tree (not the project). */
const RUNTIME_FILES = ['client.ts', 'errors.ts'] as const;
const runtimeCache = new Map<string, Promise<string>>();
function runtimeFile(name: string): Promise<string> {
  if (!runtimeCache.has(name)) runtimeCache.set(name, readFile(new URL(`../../../runtime-sdk/${name}`, import.meta.url), 'utf8'));
  return runtimeCache.get(name)!;
}

export async function emitSdk(service: ServiceNode, _ctx: EmitContext): Promise<GeneratedFile[]> {
  const dir = `generated/${service.name}/sdk`;
  const copied = await Promise.all(
    RUNTIME_FILES.map(async (f) => ({ path: `${dir}/${f}`, contents: header(`runtime-sdk/${f}`) + (await runtimeFile(f)) })),
  );
  const files: GeneratedFile[] = [
    ...copied,
    emitTypes(service, dir),
    emitWire(service, dir),
    ...service.modules.map((m) => emitModule(service, m, dir)),
    emitIndex(service, dir),
    ...emitPackage(service, dir),
    emitReadme(service, dir),
  ];
  // Compiled ESM + declarations beside the sources, so the package installs without a build step.
  return [...files, ...emitDist(files, dir)].sort(byKey((f) => f.path));
}
