/**
 * Where the two sides of a diff come from: a git revision of the project (read with `git ls-tree`
 * and `git cat-file`, no checkout), or a directory (the working tree, or another copy). Each file has
 * a content id (git's blob id) so unchanged files are skipped without being read or parsed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface ProjectSource {
  /** How the report names this side: `HEAD~1`, `working tree`, a directory. */
  readonly label: string;
  /** Paths (posix, relative to the project root) of files under `spec/` and `generated/`. */
  list(): Promise<readonly string[]>;
  /** git blob id of the file, null when absent. */
  id(path: string): Promise<string | null>;
  read(path: string): Promise<string | null>;
}

/** Only what the diff reads: catalogue YAML, OpenAPI documents, schema snapshots, SDK package files. */
export function isDiffInput(path: string): boolean {
  return (
    /^spec\/[^/]+\/[^/]+\.ya?ml$/.test(path) ||
    /^generated\/[^/]+\/(openapi\.json|migrations\/snapshot\.json|sdk\/package\.json)$/.test(path)
  );
}

function blobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function directorySource(root: string, label = root): ProjectSource {
  const cache = new Map<string, Promise<string | null>>();
  const read = (path: string) => {
    if (!cache.has(path)) {
      cache.set(
        path,
        readFile(join(root, path), 'utf8').catch((err: NodeJS.ErrnoException) => {
          if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
          throw err;
        }),
      );
    }
    return cache.get(path)!;
  };
  return {
    label,
    async list() {
      const out: string[] = [];
      for (const top of ['spec', 'generated']) {
        const entries = await readdir(join(root, top), { recursive: true, withFileTypes: true }).catch(() => []);
        for (const e of entries) {
          if (!e.isFile()) continue;
          const rel = posix.join(top, ...e.parentPath.slice(join(root, top).length).split(/[\\/]/).filter(Boolean), e.name);
          if (isDiffInput(rel)) out.push(rel);
        }
      }
      return out.sort();
    },
    async id(path) {
      const text = await read(path);
      return text === null ? null : blobId(text);
    },
    read,
  };
}

export class BaseNotFoundError extends Error {}

/** A git revision of the repository that holds `root` (root may be a subfolder of it). */
export async function gitSource(root: string, ref: string): Promise<ProjectSource> {
  const git = (...args: string[]) => exec('git', ['-C', root, ...args], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  let prefix: string;
  try {
    await git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
    prefix = (await git('rev-parse', '--show-prefix')).stdout.trim();
  } catch {
    throw new BaseNotFoundError(`no git revision \`${ref}\` in ${root}`);
  }
  const { stdout } = await git('ls-tree', '-r', '--full-tree', ref, '--', `${prefix}spec`, `${prefix}generated`);
  const ids = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.+)$/.exec(line);
    if (!m || !m[2]!.startsWith(prefix)) continue;
    const rel = m[2]!.slice(prefix.length);
    if (isDiffInput(rel)) ids.set(rel, m[1]!);
  }
  return {
    label: ref,
    list: async () => [...ids.keys()].sort(),
    id: async (path) => ids.get(path) ?? null,
    async read(path) {
      const id = ids.get(path);
      return id ? (await git('cat-file', 'blob', id)).stdout : null;
    },
  };
}

/** `--base`: an existing directory is read as a project copy, anything else as a git revision. */
export async function openBase(root: string, base: string): Promise<ProjectSource> {
  const dir = resolve(root, base);
  if (
    await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    )
  )
    return directorySource(dir, base);
  return gitSource(root, base);
}
