/**
 * Types: (1) the strict consumer fixture type-checks, and its @ts-expect-error lines all fail;
 * (2) types.ts agrees exactly with openapi.json: openapi-typescript renders the OpenAPI document and
 * every component schema is checked for type identity against the SDK's type of the same name.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../generator/emit/openapi/emit-openapi.ts';
import { emitSdk } from '../../generator/emit/sdk/emit-sdk.ts';
import type { ServiceNode } from '../../generator/ir/index.ts';
import { projectRoot } from '../helpers/golden.ts';
import { ctx, loadFixture } from './fixture.ts';

const run = promisify(execFile);
const tsc = join(projectRoot, 'node_modules', '.bin', 'tsc');
/** Error bodies are modelled by the error classes in errors.ts, not by types.ts. */
const ERROR_SCHEMAS = new Set(['ValidationError', 'ErrorDetail', 'Error', 'ErrorEnvelope']);

async function typecheck(project: string): Promise<{ code: number; out: string }> {
  try {
    await run(tsc, ['-p', project], { cwd: projectRoot });
    return { code: 0, out: '' };
  } catch (e) {
    const err = e as { code: number; stdout: string };
    return { code: err.code, out: err.stdout };
  }
}

let services: ServiceNode[];
let dir: string;
beforeAll(async () => {
  const { shop, rooms } = await loadFixture();
  services = [shop, rooms];
  dir = await mkdtemp(join(tmpdir(), 'loopgen-sdk-types-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('SDK types', () => {
  it('compile in a strict consumer, and wrong names, enum values and missing fields do not', async () => {
    const { code, out } = await typecheck('test/sdk/consumer/tsconfig.json');
    expect(out).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  it('agree with the OpenAPI document, schema by schema', async () => {
    const files: string[] = [];
    for (const s of services) {
      const doc = buildOpenApiDocument(s) as { components: { schemas: Record<string, unknown> } };
      const theirs = astToString(await openapiTS(structuredClone(doc) as never, { defaultNonNullable: false }));
      const ours = (await emitSdk(s, ctx)).find((f) => f.path.endsWith('/sdk/types.ts'))!.contents;
      const ourNames = [...ours.matchAll(/^export (?:interface|type) (\w+)/gm)].map((m) => m[1]!);
      const schemaNames = Object.keys(doc.components.schemas).filter((n) => !ERROR_SCHEMAS.has(n));
      // Every schema has an SDK type; every SDK type but query types is a schema.
      expect(schemaNames.filter((n) => !ourNames.includes(n))).toEqual([]);
      expect(ourNames.filter((n) => !schemaNames.includes(n) && !n.endsWith('Query'))).toEqual([]);
      const wraps = s.style === 'platform'; // the SDK hands back the envelope's `data`
      const checks = schemaNames.map((n) => {
        const theirsType = wraps && n.startsWith('Paginated') ? `S['${n}']['data']` : `S['${n}']`;
        return `export const check_${n}: Equal<Ours.${n}, ${theirsType}> = true;`;
      });
      await writeFile(join(dir, `${s.name}-openapi.ts`), theirs);
      await writeFile(join(dir, `${s.name}-types.ts`), ours);
      await writeFile(join(dir, `${s.name}-check.ts`), [
        `import type { components } from './${s.name}-openapi.ts';`,
        `import type * as Ours from './${s.name}-types.ts';`,
        'type S = components["schemas"];',
        'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;',
        ...checks,
        '',
      ].join('\n'));
      files.push(`${s.name}-check.ts`);
      expect(checks.length).toBeGreaterThan(5);
    }
    await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', lib: ['ES2022', 'DOM'], types: [], allowImportingTsExtensions: true },
      files,
    }));
    const { code, out } = await typecheck(join(dir, 'tsconfig.json'));
    expect(out).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
