/**
 * `generated/<service>/server/<module>.ts`: the module's descriptors, then `router(rt)` with one
 * line per endpoint listing every middleware in order.
 */
import type { ModuleNode, ServiceNode } from '../../ir/index.ts';
import { header } from '../generated-file.ts';
import { actionDescriptorName, actionValidatorNames, resourceDescriptorName, resourceValidatorNames } from '../names.ts';
import { compareStrings } from '../../shared/ordering.ts';
import { actionDescriptorData, resourceDescriptorData } from './resource-descriptor.ts';
import { importBlock, printLiteral, quote } from '../shared/print-literal.ts';
import type { Route } from './routes.ts';

/** From `generated/<service>/server/` to the project's `runtime/`. */
export const RUNTIME_IMPORT = '../../../runtime';

function validatorImports(module: ModuleNode): string[] {
  const names = new Set<string>();
  for (const r of module.resources) {
    for (const n of Object.values(resourceValidatorNames(r))) names.add(n);
    for (const a of r.actions) for (const n of Object.values(actionValidatorNames(a))) if (n) names.add(n);
  }
  for (const a of module.actions) for (const n of Object.values(actionValidatorNames(a))) if (n) names.add(n);
  return [...names].sort(compareStrings);
}

function routeLine(route: Route): string {
  return `  r.${route.method.toLowerCase()}(${quote(route.path)}, ${route.steps.join(', ')});`;
}

export function renderModuleFile(module: ModuleNode, service: ServiceNode, routes: readonly Route[]): string {
  const out: string[] = [header(module.sourceFile).trimEnd()];
  const hasActions = module.actions.length > 0 || module.resources.some((r) => r.actions.length > 0);
  const types = [...(hasActions ? ['ActionDescriptor'] : []), ...(module.resources.length ? ['ResourceDescriptor'] : [])];
  out.push("import { Router } from 'express';");
  if (types.length) out.push(`import type { ${types.join(', ')} } from '${RUNTIME_IMPORT}/descriptor.ts';`);
  out.push(`import type { Runtime } from '${RUNTIME_IMPORT}/runtime-api.ts';`);
  const validators = validatorImports(module);
  if (validators.length) out.push(importBlock(validators, `../validators/${module.name}.ts`));

  for (const r of module.resources) {
    const name = resourceDescriptorName(r);
    out.push('', `/** ${r.summary || r.model} — \`${r.path}\`, table \`${r.table}\`. */`);
    out.push(`export const ${name}: ResourceDescriptor = ${printLiteral(resourceDescriptorData(r, service))};`);
  }
  const actions = [...module.resources.flatMap((r) => r.actions), ...module.actions];
  for (const a of actions) {
    out.push('', `/** ${a.summary || a.name} — \`${a.method} ${a.path}\`. */`);
    out.push(`export const ${actionDescriptorName(a)}: ActionDescriptor = ${printLiteral(actionDescriptorData(a, module, service))};`);
  }

  out.push(
    '',
    `/** The ${module.title || module.name} endpoints, static paths before parameters. */`,
    'export function router(rt: Runtime): Router {',
    '  const r = Router();',
    ...routes.map(routeLine),
    '  return r;',
    '}',
  );
  return out.join('\n') + '\n';
}
