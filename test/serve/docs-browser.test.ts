/**
 * The docs pages in a real headless Chromium (Debian's `chromium`): each renders its first operation
 * within 5 s. Optional: skipped, saying why, when no Chromium is installed (`apt-get install chromium`,
 * about a minute, so CI does not install it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestService, type TestService } from '../helpers/test-service.ts';

const chromium = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => !!p && existsSync(p),
);
if (!chromium) console.warn("docs-browser: skipped — no Chromium (install Debian's `chromium` or set CHROMIUM_PATH)");

/** The page's DOM after at most `budgetMs` of page time, and the wall time it took. */
function render(url: string, budgetMs: number): Promise<{ dom: string; ms: number }> {
  return new Promise(async (resolve, reject) => {
    const profile = await mkdtemp(join(tmpdir(), 'loopgen-chromium-'));
    const started = Date.now();
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      `--user-data-dir=${profile}`,
      `--virtual-time-budget=${budgetMs}`,
      '--dump-dom',
      url,
    ];
    execFile(chromium!, args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout) => {
      if (err && !stdout) reject(err);
      else resolve({ dom: stdout, ms: Date.now() - started });
    });
  });
}

describe.skipIf(!chromium)('docs pages in headless Chromium', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService('loop');
  }, 120_000);
  afterAll(async () => {
    await svc?.close();
  });

  it("Swagger UI renders the opening module's first operation within 5 s", async () => {
    const { dom, ms } = await render(`${svc.url}/api/docs/`, 5000);
    expect(dom).toMatch(/class="opblock opblock-(get|post|put|patch|delete)/);
    expect(dom).toMatch(/id="operations-Core-/);
    console.log(`swagger ui: first operation rendered; chromium run ${ms} ms`);
    expect(ms).toBeLessThan(30_000);
  }, 90_000);

  it("ReDoc renders the opening module's first operation within 5 s", async () => {
    const { dom, ms } = await render(`${svc.url}/api/redoc/`, 5000);
    expect(dom).toMatch(/id="tag\/Core\/operation\//);
    console.log(`redoc: first operation rendered; chromium run ${ms} ms`);
    expect(ms).toBeLessThan(30_000);
  }, 90_000);

  it('another module by ?module=', async () => {
    const { dom } = await render(`${svc.url}/api/redoc/?module=booking`, 5000);
    expect(dom).toMatch(/id="tag\/Booking\/operation\//);
  }, 90_000);
});
