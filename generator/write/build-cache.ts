/**
 * No-op builds in milliseconds: `loopgen build` records a fingerprint of everything generation reads
 * (spec/, generator/, templates/, runtime-sdk/, package.json) and of everything it wrote. When both still
 * match, the catalogue cannot produce different files and generation is skipped. `check` never uses
 * this — it always regenerates, so CI stays authoritative — and `build --force` ignores it.
 * The cache lives in the git-ignored .loopgen/ directory.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

const INPUT_DIRS = ['spec', 'generator', 'templates', 'runtime-sdk'];
const INPUT_FILES = ['package.json'];

interface CacheFile {
  readonly key: string;
  readonly inputs: string;
  /** Output path → sha256 of its contents. */
  readonly outputs: Readonly<Record<string, string>>;
}

function cachePath(root: string, key: string): string {
  return join(root, '.loopgen', `build-cache-${key}.json`);
}

async function files(root: string, dir: string): Promise<string[]> {
  try {
    const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));
  } catch {
    return [];
  }
}

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function inputsFingerprint(root: string): Promise<string> {
  const paths = [...(await Promise.all(INPUT_DIRS.map((d) => files(root, d)))).flat(), ...INPUT_FILES].sort();
  const h = createHash('sha256');
  for (const p of paths) {
    let data: Buffer;
    try {
      data = await readFile(join(root, p));
    } catch {
      continue;
    }
    h.update(p).update('\0').update(data).update('\0');
  }
  return h.digest('hex');
}

async function outputsMatch(root: string, outputs: Readonly<Record<string, string>>, owned: readonly string[]): Promise<boolean> {
  const present = new Set((await Promise.all(owned.map((d) => files(root, d)))).flat());
  const expected = Object.keys(outputs);
  // A file added by hand under generated/ (an orphan to remove) also means the build must run.
  if (expected.filter((p) => present.has(p) || !owned.some((d) => p.startsWith(`${d}/`))).length !== expected.length) return false;
  for (const p of present) if (!(p in outputs) && !/\/migrations\/\d{4}_[^/]+\.ts$/.test(p)) return false;
  const checks = await Promise.all(
    expected.map(async (p) => {
      try {
        return sha(await readFile(join(root, p))) === outputs[p];
      } catch {
        return false;
      }
    }),
  );
  return checks.every(Boolean);
}

/** True when the last build with these options saw the same inputs and its outputs are untouched. */
export async function isBuildFresh(root: string, key: string, owned: readonly string[]): Promise<boolean> {
  let cache: CacheFile;
  try {
    cache = JSON.parse(await readFile(cachePath(root, key), 'utf8')) as CacheFile;
  } catch {
    return false;
  }
  if (cache.key !== key || cache.inputs !== (await inputsFingerprint(root))) return false;
  return outputsMatch(root, cache.outputs, owned);
}

export async function recordBuild(root: string, key: string, outputs: readonly { path: string; contents: string }[]): Promise<void> {
  const cache: CacheFile = {
    key,
    inputs: await inputsFingerprint(root),
    outputs: Object.fromEntries(outputs.map((f) => [f.path, sha(f.contents)])),
  };
  await mkdir(join(root, '.loopgen'), { recursive: true });
  await writeFile(cachePath(root, key), JSON.stringify(cache));
}
