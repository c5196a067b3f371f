/**
 * Zod validator emitter: `generated/<service>/validators/<module>.ts` per module and an
 * `index.ts` re-exporting each module as a namespace. The generated router hands these schemas
 * to the runtime through its descriptors, so they are built once at import time.
 *
 * Plain template strings rather than ts-morph: the output is a flat list of `export const`
 * lines, and strings keep the emitter short and the output byte-stable.
 */
import type { ServiceNode } from '../../ir/index.ts';
import { header, type EmitContext, type GeneratedFile } from '../generated-file.ts';
import { camelCase, moduleFile } from '../names.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { FIELD_CHECKS_FILE, renderFieldChecks } from './field-checks.ts';
import { renderModuleFile } from './module-file.ts';

function renderIndex(service: ServiceNode): string {
  const names = service.modules.map((m) => m.name).sort(compareStrings);
  const lines = names.map((m) => `export * as ${camelCase(m)} from './${m}.ts';`);
  return `${header(service.sourceFile)}${lines.join('\n')}\n`;
}

export function emitZod(service: ServiceNode, _ctx: EmitContext): GeneratedFile[] {
  if (service.modules.some((m) => m.name === FIELD_CHECKS_FILE)) throw new Error(`zod: a module may not be named ${FIELD_CHECKS_FILE}`);
  const files: GeneratedFile[] = service.modules.map((m) => ({
    path: moduleFile(service.name, 'validators', m),
    contents: renderModuleFile(service, m),
  }));
  files.push({ path: `generated/${service.name}/validators/index.ts`, contents: renderIndex(service) });
  files.push({ path: `generated/${service.name}/validators/${FIELD_CHECKS_FILE}.ts`, contents: renderFieldChecks(service) });
  return files.sort((a, b) => compareStrings(a.path, b.path));
}
