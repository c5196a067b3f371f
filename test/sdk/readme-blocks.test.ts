/**
 * Every ```ts block of a generated SDK README, run as written against a served service through the
 * compiled package (`dist/`): the blocks of one README are one module, in order (later blocks use the
 * client the quick start made). Only the documented placeholders change: the served URL for
 * `http://127.0.0.1:8000`, and for key-based services the key `loopgen admin create-key` would print.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, startTestService, type TestService } from '../helpers/test-service.ts';
import { serviceWiring } from '../../runtime/serve/service-registry.ts';

export function readmeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

/** One README as a runnable module: package imports point at the compiled dist/, the served URL and key are filled in. */
export function runnable(service: string, blocks: readonly string[], url: string, key?: string): string {
  const dist = join(ROOT, 'generated', service, 'sdk', 'dist');
  return blocks
    .join('\n')
    .replace(
      /from '@loop\/[a-z-]+-sdk(?:\/([a-z-]+))?'/g,
      (_m, sub: string | undefined) => `from '${pathToFileURL(join(dist, `${sub ?? 'index'}.js`)).href}'`,
    )
    .replaceAll('http://127.0.0.1:8000', url)
    .replace(/'<key from: npx loopgen admin create-key[^']*>'/g, () => `'${key ?? ''}'`);
}

const services: TestService[] = [];
afterAll(async () => {
  for (const s of services) await s.close();
});

async function runReadme(service: string): Promise<{ blocks: number; logged: unknown[] }> {
  const svc = await startTestService(service);
  services.push(svc);
  const wiring = await serviceWiring(service);
  const key = wiring.createKey ? await wiring.createKey(svc.db, { role: 'admin' }) : undefined;
  const blocks = readmeBlocks(await readFile(join(ROOT, 'generated', service, 'sdk', 'README.md'), 'utf8'));
  const dir = join(ROOT, 'test', '.tmp');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `readme-${service}-${process.pid}.mjs`);
  await writeFile(file, runnable(service, blocks, svc.url, key));
  const logged: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void logged.push(args);
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = log;
  }
  return { blocks: blocks.length, logged };
}

describe('generated SDK READMEs run as written', () => {
  it('LOOP: sign up, list, create/get/patch/action/delete/restore, a module client, an upload', async () => {
    const { blocks, logged } = await runReadme('loop');
    expect(blocks).toBeGreaterThanOrEqual(3);
    // A ValidationError would be logged as `{ field: [...] }`: the quick start's create must succeed.
    expect(logged.filter((l) => typeof (l as unknown[])[0] === 'object')).toEqual([]);
  }, 180_000);

  it('RoomLoop: with a server key, list and iterate', async () => {
    const { blocks } = await runReadme('roomloop');
    expect(blocks).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
