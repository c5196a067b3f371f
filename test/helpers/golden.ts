/**
 * Golden-file check for emitters: `expectGolden(case, files)` compares each emitted file with
 * `test/golden/<case>/<path under generated/>` and fails on a missing, changed or orphaned file.
 * `UPDATE_GOLDEN=1` rewrites the case folder instead (and removes orphans).
 *
 * The whole `test/golden/<case>/` folder belongs to one call, so give each emitter its own case
 * (e.g. `openapi-basic`, `zod-basic`): another emitter's files there would count as orphans.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { GeneratedFile } from '../../generator/emit/generated-file.ts';

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const goldenRoot = join(projectRoot, 'test', 'golden');

/** `generated/shop/openapi.json` → `shop/openapi.json`. */
function goldenPath(file: GeneratedFile): string {
  if (!file.path.startsWith('generated/')) throw new Error(`golden: ${file.path} is not under generated/`);
  return file.path.slice('generated/'.length);
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

async function readOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function expectGolden(caseName: string, files: readonly GeneratedFile[]): Promise<void> {
  const dir = join(goldenRoot, caseName);
  const wanted = new Map(files.map((f) => [goldenPath(f), f.contents]));
  if (wanted.size !== files.length) throw new Error(`golden ${caseName}: two emitted files share a path`);
  const existing = await listFiles(dir);
  const orphans = existing.filter((p) => !wanted.has(p));

  if (process.env.UPDATE_GOLDEN === '1') {
    for (const p of orphans) await rm(join(dir, p));
    for (const [p, contents] of wanted) {
      await mkdir(dirname(join(dir, p)), { recursive: true });
      if ((await readOrNull(join(dir, p))) !== contents) await writeFile(join(dir, p), contents);
    }
    return;
  }

  const missing = [...wanted.keys()].filter((p) => !existing.includes(p)).sort();
  const problems = [
    ...missing.map((p) => `missing golden file test/golden/${caseName}/${p}`),
    ...orphans.map((p) => `orphaned golden file test/golden/${caseName}/${p} (no longer emitted)`),
  ];
  expect(problems, `${problems.join('\n')}\nRun with UPDATE_GOLDEN=1 to rewrite.`).toEqual([]);
  for (const [p, contents] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const golden = await readOrNull(join(dir, p));
    expect(contents, `test/golden/${caseName}/${p} differs (UPDATE_GOLDEN=1 rewrites it)`).toBe(golden);
  }
}
