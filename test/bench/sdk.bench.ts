/**
 * SDK benchmark (a script, not a vitest test): `npx tsx test/bench/sdk.bench.ts [service]`.
 * Beside an openapi-typescript + openapi-fetch client built from the same OpenAPI document, prints
 * (a) `tsc --noEmit` time of a consumer that touches every module, ours vs theirs, as a ratio, and
 * (b) min+gzip size of an esbuild bundle that imports only the booking module.
 * Uses `generated/<service>/` when it is there (default `loop`), else the basic fixture's `shop`.
 * Prints ratios; asserts nothing.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildOpenApiDocument } from '../../generator/emit/openapi/emit-openapi.ts';
import { emitSdk } from '../../generator/emit/sdk/emit-sdk.ts';
import { createSdkConsumers } from './sdk-bench-consumers.ts';
import type { ServiceNode } from '../../generator/ir/index.ts';
import { loadCatalogue } from '../../generator/load/load-catalogue.ts';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const work = join(root, 'test', 'bench', '.sdk-bench-tmp');
const wanted = process.argv[2] ?? 'loop';

async function loadService(): Promise<{ service: ServiceNode; fromGenerated: boolean }> {
  const generated = join(root, 'generated', wanted);
  if (existsSync(join(generated, 'openapi.json')) && existsSync(join(generated, 'sdk', 'index.ts'))) {
    const { catalogue } = await loadCatalogue(root, { services: [wanted] });
    const service = catalogue?.services.find((s) => s.name === wanted);
    if (service) return { service, fromGenerated: true };
  }
  console.log(`generated/${wanted} not found (or its catalogue does not load): using the fixture service "shop"`);
  const { catalogue } = await loadCatalogue(root, { specDir: 'test/fixtures/basic/spec' });
  return { service: catalogue!.services.find((s) => s.name === 'shop')!, fromGenerated: false };
}

async function write(path: string, text: string) {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
}

/** Wall time of `tsc -p`, best of `n` runs (the machine is shared; the minimum is the least noisy). */
async function tscTime(project: string, n = 2): Promise<{ ms: number; errors: number }> {
  let best = Infinity;
  let errors = 0;
  let first = '';
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    try {
      await run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', project], { cwd: root, maxBuffer: 64 << 20 });
      errors = 0;
    } catch (e) {
      const lines = ((e as { stdout?: string }).stdout ?? '').split('\n').filter((l) => l.includes('error TS'));
      errors = lines.length;
      first = lines.slice(0, 3).join('\n');
    }
    best = Math.min(best, performance.now() - t0);
  }
  if (first) console.log(`type errors in ${project}:\n${first}`);
  return { ms: best, errors };
}

async function bundleSize(entry: string): Promise<{ raw: number; gz: number }> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  return { raw: code.length, gz: gzipSync(code, { level: 9 }).length };
}

const tsconfig = (files: string[]) =>
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2022', 'DOM'],
      types: [],
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
    },
    files,
  });

async function main() {
  const { service, fromGenerated } = await loadService();
  await rm(work, { recursive: true, force: true });
  // Our SDK and their schema from the same catalogue: the generated folder, or emitted here.
  let sdkDir = join(root, 'generated', service.name, 'sdk');
  let doc: unknown;
  if (fromGenerated) doc = JSON.parse(await readFile(join(root, 'generated', service.name, 'openapi.json'), 'utf8'));
  else {
    sdkDir = join(work, 'sdk');
    for (const f of await emitSdk(service, { root, version: 'bench' }))
      await write(join(work, 'sdk', f.path.split('/sdk/')[1]!), f.contents);
    doc = buildOpenApiDocument(service);
  }
  await write(join(work, 'theirs', 'schema.ts'), astToString(await openapiTS(doc as never, { defaultNonNullable: false })));

  const c = createSdkConsumers(service, sdkDir);
  await write(join(work, 'ours-all.ts'), c.oursAll);
  await write(join(work, 'theirs-all.ts'), c.theirsAll);
  await write(join(work, 'ours-one.ts'), c.oursOne);
  await write(join(work, 'theirs-one.ts'), c.theirsOne);
  await write(join(work, 'tsconfig.ours.json'), tsconfig(['ours-all.ts']));
  await write(join(work, 'tsconfig.theirs.json'), tsconfig(['theirs-all.ts']));

  const ours = await tscTime(join(work, 'tsconfig.ours.json'));
  const theirs = await tscTime(join(work, 'tsconfig.theirs.json'));
  const oursSize = await bundleSize(join(work, 'ours-one.ts'));
  const theirsSize = await bundleSize(join(work, 'theirs-one.ts'));

  const kb = (n: number) => `${(n / 1024).toFixed(2)} kB`;
  console.log(
    `service ${service.name}: ${service.modules.length} modules, ${service.resources.length} resources, ${service.actions.length} actions`,
  );
  console.log(`(a) tsc --noEmit, consumer touching ${c.touched} modules:`);
  console.log(`    loopgen SDK                  ${ours.ms.toFixed(0)} ms${ours.errors ? ` (${ours.errors} type errors!)` : ''}`);
  console.log(`    openapi-typescript+fetch     ${theirs.ms.toFixed(0)} ms${theirs.errors ? ` (${theirs.errors} type errors!)` : ''}`);
  console.log(`    ratio ours/theirs            ${(ours.ms / theirs.ms).toFixed(2)}  (< 1 is faster; aim ≤ 1)`);
  console.log(`(b) esbuild min+gzip, only the ${c.oneModule} module:`);
  console.log(`    loopgen SDK                  ${kb(oursSize.gz)} gz (${kb(oursSize.raw)} min)  aim < 6 kB`);
  console.log(`    openapi-fetch                ${kb(theirsSize.gz)} gz (${kb(theirsSize.raw)} min)`);
  console.log(`    ratio ours/theirs            ${(oursSize.gz / theirsSize.gz).toFixed(2)}`);
  await rm(work, { recursive: true, force: true });
}

await main();
