/** Names the SDK emitter shares between its files (types.ts, module files, index.ts, README). */
import type { ModuleNode, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { camelCase, pascalCase } from '../names.ts';

/** List query type of a resource; matches the validators' `<TypeName>ListQuery`. */
export const listQueryName = (r: ResourceNode) => `${r.typeName}ListQuery`;

/** `bookingApi` / `BookingApi`: the per-module factory and its type. */
export const moduleApiName = (m: ModuleNode) => `${camelCase(m.name)}Api`;
export const moduleApiType = (m: ModuleNode) => `${pascalCase(m.name)}Api`;
/** `createBookingClient`: a client holding only one module, for small bundles. */
export const moduleClientName = (m: ModuleNode) => `create${pascalCase(m.name)}Client`;
export const clientTypeName = (s: ServiceNode) => `${pascalCase(s.name)}Client`;
export const packageName = (s: ServiceNode) => `@loop/${s.name}-sdk`;

export { serviceDir } from '../names.ts';

/** Namespace path of a module's own actions: where its resources live, or the module name. */
export function moduleRoot(m: ModuleNode): readonly string[] {
  return m.resources[0] ? m.resources[0].sdkPath.slice(0, -1) : [camelCase(m.name)];
}
