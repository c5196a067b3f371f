/**
 * `wire.ts` (the service's wire conventions as data) and `index.ts` (`createClient` with every module,
 * plus re-exports of errors and types).
 */
import type { ServiceNode } from '../../ir/index.ts';
import { byKey } from '../../shared/ordering.ts';
import { STYLE_CONVENTIONS } from '../../shared/style-conventions.ts';
import { header, type GeneratedFile } from '../generated-file.ts';
import { authPaths, authType } from './auth-paths.ts';
import { clientTypeName, moduleApiName, moduleApiType, serviceDir } from './sdk-names.ts';

export function emitWire(service: ServiceNode, dir: string): GeneratedFile {
  const config = {
    basePath: service.basePath,
    trailingSlash: service.trailingSlash,
    unwrap: STYLE_CONVENTIONS[service.style].wrapsBodies,
    tenantHeader: service.tenantHeader,
    appHeader: service.appHeader,
    // bearer_key services take the key as `Authorization: Bearer` (the RoomLoop and platform documents).
    apiKeyHeader: service.apiKeyHeader,
    auth: authPaths(service),
  };
  const text = `${header(service.sourceFile)}
import type { WireConfig } from './client.ts';

/** How ${service.title} speaks HTTP (style \`${service.style}\`). */
export const wire: WireConfig = ${JSON.stringify(config, null, 2)};
`;
  return { path: `${dir}/wire.ts`, contents: text };
}

export function emitIndex(service: ServiceNode, dir: string): GeneratedFile {
  const modules = [...service.modules].sort(byKey((m) => m.name));
  const clientType = clientTypeName(service);
  const auth = authType(service);
  const parts = [...modules.map(moduleApiType), ...(auth ? [auth] : [])];
  const text = `${header(serviceDir(service))}
import { assemble, createTransport, ${auth ? 'type AuthHelpers, ' : ''}type ClientOptions } from './client.ts';
${modules.map((m) => `import { ${moduleApiName(m)}, type ${moduleApiType(m)} } from './${m.name}.ts';`).join('\n')}
import { wire } from './wire.ts';

export * from './errors.ts';
export type * from './types.ts';
export type { AuthHelpers, AuthTokens, ClientOptions, RequestOptions } from './client.ts';
${modules.map((m) => `export type { ${moduleApiType(m)} } from './${m.name}.ts';`).join('\n')}

export type ${clientType} = ${parts.join(' & ')};

/** ${service.title}: every module. Import \`./<module>\` instead for a smaller bundle. */
export function createClient(options: ClientOptions): ${clientType} {
  const t = createTransport(options, wire);
  return assemble(t, ${modules.map((m) => `${moduleApiName(m)}(t)`).join(', ')});
}
`;
  return { path: `${dir}/index.ts`, contents: text };
}
