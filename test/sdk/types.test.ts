/**
 * Types: (1) the strict consumer fixture type-checks, and its @ts-expect-error lines all fail;
 * (2) types.ts agrees exactly with openapi.json: openapi-typescript renders the OpenAPI document and
 * every component schema is checked for type identity against the SDK's type of the same name.
 * One deliberate difference: openapi-typescript renders `format: binary` (a multipart file part) as
 * `string`, the SDK as `Blob` (what fetch's FormData sends); the rendering maps binary to Blob, as
 * openapi-typescript's docs suggest with `transform`, and nothing else.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../generator/emit/openapi/emit-openapi.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';
import { emitSdk } from '../../generator/emit/sdk/emit-sdk.ts';
import { emitTypes } from '../../generator/emit/sdk/emit-types.ts';
import { schemaNames as namesOf } from '../../generator/emit/names.ts';
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

/** openapi-typescript's rendering with file parts as Blob (the SDK's multipart bodies). */
async function render(doc: object): Promise<string> {
  const blob = ts.factory.createTypeReferenceNode('Blob');
  const nul = ts.factory.createLiteralTypeNode(ts.factory.createNull());
  return astToString(
    await openapiTS(structuredClone(doc) as never, {
      defaultNonNullable: false,
      transform(schema) {
        if (schema.format !== 'binary') return undefined;
        const t = (schema as { type?: unknown }).type;
        return Array.isArray(t) && t.includes('null') ? ts.factory.createUnionTypeNode([blob, nul]) : blob;
      },
    }),
  );
}

const checkHeader = (name: string) => [
  `import type { components } from './${name}-openapi.ts';`,
  `import type * as Ours from './${name}-types.ts';`,
  'type S = components["schemas"];',
  'type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;',
];

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
      const theirs = await render(doc);
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
      await writeFile(join(dir, `${s.name}-check.ts`), [...checkHeader(s.name), ...checks, ''].join('\n'));
      files.push(`${s.name}-check.ts`);
      expect(checks.length).toBeGreaterThan(5);
    }
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'ESNext',
          moduleResolution: 'Bundler',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          allowImportingTsExtensions: true,
        },
        files,
      }),
    );
    const { code, out } = await typecheck(join(dir, 'tsconfig.json'));
    expect(out).toBe('');
    expect(code).toBe(0);
  }, 60_000);

  // The fixture has no uploads; LOOP's files/assets does. Only its multipart body schemas are rendered
  // (the whole LOOP document would take minutes), each checked like the fixture's.
  it('agree on multipart upload bodies (file parts are Blob), checked on LOOP', async () => {
    const { catalogue } = await loadCatalogue(projectRoot, {});
    const loop = catalogue!.services.find((x) => x.name === 'loop')!;
    const names = loop.resources.flatMap((r) =>
      r.multipart.flatMap((op) =>
        op === 'create' && r.operations.includes(op)
          ? [namesOf(r).create]
          : op === 'update' && r.operations.includes(op)
            ? [namesOf(r).update]
            : [],
      ),
    );
    expect(names).toContain('FilesFileAssetCreate');
    const full = buildOpenApiDocument(loop) as { openapi: string; info: object; components: { schemas: Record<string, unknown> } };
    const schemas = Object.fromEntries(names.map((n) => [n, full.components.schemas[n]]));
    expect(JSON.stringify(schemas)).not.toContain('$ref'); // self-contained, so the subset renders alone
    await writeFile(
      join(dir, 'loop-openapi.ts'),
      await render({ openapi: full.openapi, info: full.info, paths: {}, components: { schemas } }),
    );
    const ours = emitTypes(loop, 'sdk').contents;
    const decls = names.map((n) => new RegExp(`^export interface ${n} \\{[\\s\\S]*?^\\}$`, 'm').exec(ours)?.[0]);
    expect(decls.every(Boolean)).toBe(true);
    expect(decls.join('\n')).toMatch(/\bfile: Blob;/);
    await writeFile(join(dir, 'loop-types.ts'), `${decls.join('\n\n')}\n`);
    await writeFile(
      join(dir, 'loop-check.ts'),
      [...checkHeader('loop'), ...names.map((n) => `export const check_${n}: Equal<Ours.${n}, S['${n}']> = true;`), ''].join('\n'),
    );
    await writeFile(
      join(dir, 'tsconfig.loop.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'ESNext',
          moduleResolution: 'Bundler',
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          allowImportingTsExtensions: true,
        },
        files: ['loop-check.ts'],
      }),
    );
    const { code, out } = await typecheck(join(dir, 'tsconfig.loop.json'));
    expect(out).toBe('');
    expect(code).toBe(0);
  }, 60_000);
});
