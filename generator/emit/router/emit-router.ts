/**
 * Router emitter: per module `generated/<service>/server/<module>.ts` (descriptors + `router(rt)`),
 * and `server/index.ts` with `mountRoutes(rt)`, `resources` and `actions`.
 *
 * Plain template strings rather than ts-morph or handlebars: the output is descriptor literals and
 * one line per endpoint, which a small literal printer renders byte-stable and readable.
 */
import type { ModuleNode, ServiceNode } from '../../ir/index.ts';
import { header, type EmitContext, type GeneratedFile } from '../generated-file.ts';
import { actionDescriptorName, camelCase, moduleFile, resourceDescriptorName } from '../names.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { renderModuleFile, RUNTIME_IMPORT } from './module-file.ts';
import { moduleRoutes, mountOrder, type Route } from './routes.ts';

function hasEndpoints(m: ModuleNode): boolean {
  return m.resources.length > 0 || m.actions.length > 0;
}

function renderIndex(service: ServiceNode, modules: readonly { module: ModuleNode; routes: readonly Route[] }[]): string {
  const ns = (m: ModuleNode) => camelCase(m.name);
  const sorted = [...modules].sort((a, b) => compareStrings(a.module.name, b.module.name));
  const order = mountOrder(modules.map((m) => ({ name: m.module.name, routes: m.routes })));
  const byName = new Map(modules.map((m) => [m.module.name, m.module]));
  const resources = sorted
    .flatMap(({ module }) => module.resources.map((r) => ({ id: r.id, ref: `${ns(module)}.${resourceDescriptorName(r)}` })))
    .sort((a, b) => compareStrings(a.id, b.id));
  const actions = sorted
    .flatMap(({ module }) =>
      [...module.resources.flatMap((r) => r.actions), ...module.actions].map((a) => ({
        key: `${a.path} ${a.method}`,
        ref: `${ns(module)}.${actionDescriptorName(a)}`,
      })),
    )
    .sort((a, b) => compareStrings(a.key, b.key));
  const list = (items: string[]) => (items.length ? `[\n${items.map((i) => `  ${i},`).join('\n')}\n]` : '[]');
  return (
    [
      header(service.sourceFile).trimEnd(),
      "import { Router } from 'express';",
      `import type { ActionDescriptor, ResourceDescriptor } from '${RUNTIME_IMPORT}/descriptor.ts';`,
      `import type { Runtime } from '${RUNTIME_IMPORT}/runtime-api.ts';`,
      ...sorted.map(({ module }) => `import * as ${ns(module)} from './${module.name}.ts';`),
      '',
      "/** Every module router; a module whose static paths another module's parameters would shadow is mounted first. */",
      'export function mountRoutes(rt: Runtime): Router {',
      '  const r = Router();',
      ...order.map((name) => `  r.use(${ns(byName.get(name)!)}.router(rt));`),
      '  return r;',
      '}',
      '',
      '/** Every resource of the service, by id. */',
      `export const resources: ResourceDescriptor[] = ${list(resources.map((r) => r.ref))};`,
      '',
      '/** Every action of the service, by path and method. */',
      `export const actions: ActionDescriptor[] = ${list(actions.map((a) => a.ref))};`,
    ].join('\n') + '\n'
  );
}

export function emitRouter(service: ServiceNode, _ctx: EmitContext): GeneratedFile[] {
  const modules = service.modules.filter(hasEndpoints).map((module) => ({ module, routes: moduleRoutes(module, service) }));
  const files: GeneratedFile[] = modules.map(({ module, routes }) => ({
    path: moduleFile(service.name, 'server', module),
    contents: renderModuleFile(module, service, routes),
  }));
  files.push({ path: `generated/${service.name}/server/index.ts`, contents: renderIndex(service, modules) });
  return files.sort((a, b) => compareStrings(a.path, b.path));
}
