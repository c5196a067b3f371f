/**
 * The app-team flow: `npm pack` the generated SDK folder, install the tarball into a fresh app
 * (offline: the package has no dependencies), type-check the app under `strict` with NodeNext
 * resolution (the package's `exports` → dist/*.d.ts), then run it against a served LOOP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startTestService, type TestService } from '../helpers/test-service.ts';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const APP = `import { createClient, NotFoundError, type CmsPage } from '@loop/loop-sdk';
import { createCmsClient } from '@loop/loop-sdk/cms';

const baseUrl = process.env.LOOP_URL ?? 'http://127.0.0.1:8000';
const loop = createClient({ baseUrl, companyId: '001', appId: 'loop-admin', retries: 0 });
await loop.auth.register({ email: 'app@example.com', username: 'appdev', password: 'Str0ng-passw0rd!', company_name: 'App Co' });
const page: CmsPage = await loop.cms.pages.create({ title: 'Hello', slug: 'hello' });
const cms = createCmsClient({ baseUrl, companyId: '001', appId: 'loop-admin', token: loop.auth.getTokens()?.access ?? '' });
const listed = await cms.cms.pages.list({ ordering: '-id' });
const missing = await loop.cms.pages.get(987654).catch((e: unknown) => e);
console.log(JSON.stringify({ id: page.id, count: listed.count, notFound: missing instanceof NotFoundError }));
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
    outDir: 'out',
    skipLibCheck: false,
  },
  include: ['app.ts'],
};

describe('the SDK as an npm package', () => {
  let svc: TestService;
  let app: string;
  beforeAll(async () => {
    svc = await startTestService('loop');
    app = await mkdtemp(join(tmpdir(), 'loopgen-app-'));
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
  });

  it('packs dist/, installs offline, type-checks strictly and calls the server', async () => {
    const packed = await run(npm, ['pack', join(ROOT, 'generated', 'loop', 'sdk'), '--pack-destination', app, '--json'], { cwd: app });
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/cms.js');
    expect(files.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toBe(false);

    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    await run(npm, ['install', '--offline', '--no-audit', '--no-fund', join(app, info!.filename)], { cwd: app });
    expect(await readdir(join(app, 'node_modules', '@loop', 'loop-sdk', 'dist'))).toContain('client.js');

    await writeFile(join(app, 'app.ts'), APP);
    await writeFile(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const compiled = await run(process.execPath, [tsc, '-p', join(app, 'tsconfig.json')], { cwd: app }).catch((e: { stdout: string }) => e);
    expect('stdout' in compiled ? compiled.stdout : '').toBe('');

    const ran = await run(process.execPath, [join(app, 'out', 'app.js')], { cwd: app, env: { ...process.env, LOOP_URL: svc.url } });
    expect(JSON.parse(ran.stdout.trim())).toEqual({ id: expect.any(Number), count: 1, notFound: true });
  }, 240_000);
});
