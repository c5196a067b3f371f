/**
 * The one place the generator touches the disk. `build` writes what changed and removes
 * orphans; `check` calls `planWrites` only and reports. Both share everything before this step.
 */
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { GeneratedFile } from '../emit/generated-file.ts';
import { byKey, compareStrings } from '../shared/ordering.ts';

export interface WritePlan {
  readonly write: readonly GeneratedFile[];
  readonly keep: readonly string[];
  /** Files under an owned directory that no emitter produced any more. */
  readonly remove: readonly string[];
  /** Previous contents of files that would change (for diffs in `check`). */
  readonly previous: ReadonlyMap<string, string>;
}

export interface WriteOptions {
  /** Directories (relative to root) the generator owns entirely: anything there not emitted is an orphan. */
  readonly owned: readonly string[];
  /** Paths (relative) never treated as orphans even when not emitted (append-only migrations). */
  readonly preserve?: (path: string) => boolean;
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(abs: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(abs, e.name);
      if (e.isDirectory()) {
        // The SDK's dist/ is generated too (its orphans go); an app's node_modules never is.
        if (e.name === 'node_modules') continue;
        await walk(p);
      } else out.push(relative(root, p).split(sep).join('/'));
    }
  }
  await walk(join(root, dir));
  return out;
}

export async function planWrites(root: string, files: readonly GeneratedFile[], opts: WriteOptions): Promise<WritePlan> {
  const write: GeneratedFile[] = [];
  const keep: string[] = [];
  const previous = new Map<string, string>();
  const emitted = new Set(files.map((f) => f.path));
  await Promise.all(
    files.map(async (f) => {
      let old: string | null = null;
      try {
        old = await readFile(join(root, f.path), 'utf8');
      } catch {
        old = null;
      }
      if (old === f.contents) keep.push(f.path);
      else {
        write.push(f);
        if (old !== null) previous.set(f.path, old);
      }
    }),
  );
  const remove: string[] = [];
  for (const dir of opts.owned) {
    for (const p of await listFiles(root, dir)) {
      if (!emitted.has(p) && !(opts.preserve?.(p) ?? false)) remove.push(p);
    }
  }
  write.sort(byKey((f) => f.path));
  keep.sort(compareStrings);
  remove.sort(compareStrings);
  return { write, keep, remove, previous };
}

export async function applyWrites(root: string, plan: WritePlan): Promise<void> {
  for (const f of plan.write) {
    const abs = join(root, f.path);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, f.contents);
  }
  for (const p of plan.remove) await rm(join(root, p), { force: true });
}
