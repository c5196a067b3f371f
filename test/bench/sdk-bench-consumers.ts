/**
 * Consumer sources for test/bench/sdk.bench.ts: the same calls written against our SDK and against
 * openapi-fetch + openapi-typescript, one list and one get per module.
 */
import type { ResourceNode, ServiceNode } from '../../generator/ir/index.ts';
import { moduleClientName } from '../../generator/emit/sdk/sdk-names.ts';

export function createSdkConsumers(service: ServiceNode, sdkDir: string) {
  const slash = service.trailingSlash ? '/' : '';
  const id = (r: ResourceNode) => (r.idStyle === 'prefixed' ? `'${r.idPrefix ?? 'x'}_1'` : '1');
  const picks = service.modules
    .map((m) => ({ m, r: m.resources.find((r) => r.operations.includes('list') && r.operations.includes('retrieve')) }))
    .filter((p): p is { m: (typeof p)['m']; r: ResourceNode } => !!p.r);
  const ours = (p: (typeof picks)[number]) => `  {
    const page = await c.${p.r.sdkPath.join('.')}.list({});
    const one = await c.${p.r.sdkPath.join('.')}.get(${id(p.r)});
    void [page, one.id];
  }`;
  const theirs = (p: (typeof picks)[number]) => `  {
    const { data: page } = await c.GET('/${p.r.path}${slash}', { params: { query: {} } });
    const { data: one } = await c.GET('/${p.r.path}/{id}${slash}', { params: { path: { id: ${id(p.r)} } } });
    void [page, one?.id];
  }`;
  const baseUrl = `https://api.example.com${service.basePath.replace(/\/$/, '')}`;
  const one = picks.find((p) => p.m.name === 'booking') ?? picks[0]!;
  return {
    touched: picks.length,
    oneModule: one.m.name,
    oursAll: `import { createClient } from '${sdkDir}/index.ts';
const c = createClient({ baseUrl: 'https://api.example.com' });
export async function touch(): Promise<void> {
${picks.map(ours).join('\n')}
}
`,
    theirsAll: `import createClient from 'openapi-fetch';
import type { paths } from './theirs/schema.ts';
const c = createClient<paths>({ baseUrl: '${baseUrl}' });
export async function touch(): Promise<void> {
${picks.map(theirs).join('\n')}
}
`,
    oursOne: `import { ${moduleClientName(one.m)} } from '${sdkDir}/${one.m.name}.ts';
const c = ${moduleClientName(one.m)}({ baseUrl: 'https://api.example.com' });
export async function touch(): Promise<void> {
${ours(one)}
}
`,
    theirsOne: `import createClient from 'openapi-fetch';
import type { paths } from './theirs/schema.ts';
const c = createClient<paths>({ baseUrl: '${baseUrl}' });
export async function touch(): Promise<void> {
${theirs(one)}
}
`,
  };
}
