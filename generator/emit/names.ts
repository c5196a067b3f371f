/**
 * Names shared across emitters. Several emitters refer to each other's exports
 * (the router imports the zod emitter's validators; the SDK mirrors OpenAPI schema names),
 * so every cross-file name is produced here and nowhere else.
 */
import type { ActionNode, ModuleNode, ResourceNode, ServiceNode } from '../ir/index.ts';
import { camelCase, pascalCase } from '../shared/naming.ts';

// Emitters import the case helpers from here with the rest of the naming rules.
export { camelCase, pascalCase, snakeCase } from '../shared/naming.ts';

/** The catalogue folder of a service (`spec/loop/`), for headers of files built from all its modules. */
export function serviceDir(s: ServiceNode): string {
  return s.sourceFile.replace(/[^/]*$/, '');
}

/** Generated file of a module, e.g. `generated/loop/validators/autism-support.ts`. */
export function moduleFile(service: string, kind: 'validators' | 'server' | 'sdk', module: ModuleNode | string): string {
  const name = typeof module === 'string' ? module : module.name;
  return `generated/${service}/${kind}/${name}.ts`;
}

/** Zod schema export names of a resource (validators/<module>.ts). */
export function resourceValidatorNames(r: ResourceNode) {
  return {
    create: `${r.typeName}Create`,
    update: `${r.typeName}Update`,
    partialUpdate: `${r.typeName}PartialUpdate`,
    listQuery: `${r.typeName}ListQuery`,
  } as const;
}

/**
 * Zod schema export names of an action (validators/<module>.ts): a Query schema when the action has query
 * fields, a Body schema for a non-GET object/resource/multipart request; absent otherwise.
 */
export function actionValidatorNames(a: ActionNode): { readonly query?: string; readonly body?: string } {
  const base = pascalCase(a.operationId);
  const hasBody = a.method !== 'GET' && (a.request.shape === 'object' || a.request.shape === 'resource' || a.request.shape === 'multipart');
  return { query: a.query.length > 0 ? `${base}Query` : undefined, body: hasBody ? `${base}Body` : undefined };
}

/** Descriptor export names (server/<module>.ts). */
export function resourceDescriptorName(r: ResourceNode): string {
  return `${camelCase(r.typeName)}Resource`;
}
export function actionDescriptorName(a: ActionNode): string {
  return `${a.operationId}Action`;
}

/** OpenAPI component schema names; the SDK uses the same names for its types. */
export function schemaNames(r: ResourceNode) {
  return {
    read: r.typeName,
    create: `${r.typeName}Create`,
    update: `${r.typeName}Update`,
    partialUpdate: `Patched${r.typeName}`,
    page: `Paginated${r.typeName}List`,
  } as const;
}
