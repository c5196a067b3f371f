/**
 * `wire.ts` (the service's wire conventions as data) and `index.ts` (`createClient` with every module,
 * plus re-exports of errors and types).
 */
import type { ServiceNode } from '../../ir/index.ts';
import { header, type GeneratedFile } from '../generated-file.ts';
import { serviceDir } from './sdk-names.ts';
import { clientTypeName, moduleApiName, moduleApiType } from './sdk-names.ts';
import { WIRE_STYLES, authPaths } from './wire-style.ts';

export function emitWire(service: ServiceNode, dir: string): GeneratedFile {
  const config = {
    basePath: service.basePath,
    trailingSlash: service.trailingSlash,
    unwrap: WIRE_STYLES[service.style].unwrap,
    tenantHeader: service.tenantHeader,
    appHeader: service.appHeader,
    // bearer_key services take the key as `Authorization: Bearer` (seed 001/002).
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
  const modules = [...service.modules].sort((a, b) => a.name.localeCompare(b.name));
  const hasAuth = service.auth.includes('jwt');
  const clientType = clientTypeName(service);
  const parts = [...modules.map(moduleApiType), ...(hasAuth ? ['{ readonly auth: AuthApi }'] : [])];
  const text = `${header(serviceDir(service))}
import { ${hasAuth ? 'authApi, ' : ''}createTransport, ${hasAuth ? 'type AuthApi, ' : ''}type ClientOptions } from './client.ts';
${modules.map((m) => `import { ${moduleApiName(m)}, type ${moduleApiType(m)} } from './${m.name}.ts';`).join('\n')}
import { wire } from './wire.ts';

export * from './errors.ts';
export type * from './types.ts';
export type { AuthTokens, ClientOptions, RequestOptions } from './client.ts';
${modules.map((m) => `export type { ${moduleApiType(m)} } from './${m.name}.ts';`).join('\n')}

export type ${clientType} = ${parts.join(' & ')};

/** ${service.title}: every module. Import \`./<module>\` instead for a smaller bundle. */
export function createClient(options: ClientOptions): ${clientType} {
  const t = createTransport(options, wire);
  return {
${modules.map((m) => `    ...${moduleApiName(m)}(t),`).join('\n')}${hasAuth ? '\n    auth: authApi(t),' : ''}
  };
}
`;
  return { path: `${dir}/index.ts`, contents: text };
}
