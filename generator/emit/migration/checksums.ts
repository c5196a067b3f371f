/**
 * Migration checksums: `generated/<service>/migrations/checksums.json` records the SHA-256 of each
 * migration as it was generated. Like migrations themselves the record is append-only: an entry is
 * never recomputed, so a migration edited after it was written no longer matches its entry, and
 * `loopgen check` (and the migrator, runtime/db/migrator.ts) name it. Migrations written before the
 * record existed are entered as they are found (the first build after an upgrade records them).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CHECKSUMS_FILE = 'checksums.json';

/** File name → `sha256:<hex>`. */
export type MigrationChecksums = Readonly<Record<string, string>>;

/**
 * SHA-256 of a migration's text with CRLF read as LF, so a Windows checkout matches the record.
 * Must agree with `migrationChecksum` in runtime/db/migrator.ts (test/migration/integrity.test.ts checks both).
 */
export function migrationChecksum(contents: string): string {
  return `sha256:${createHash('sha256').update(contents.replace(/\r\n/g, '\n')).digest('hex')}`;
}

/** Sorted keys, two-space JSON, final newline: the same record always prints the same bytes. */
export function serialiseChecksums(checksums: MigrationChecksums): string {
  const sorted = Object.fromEntries(
    Object.keys(checksums)
      .sort()
      .map((k) => [k, checksums[k]!]),
  );
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

export function parseChecksums(text: string): MigrationChecksums {
  const raw = JSON.parse(text) as unknown;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${CHECKSUMS_FILE} is not an object of file → checksum`);
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export interface ChecksumProblem {
  readonly file: string;
  readonly problem: 'changed' | 'missing';
  readonly message: string;
}

/**
 * Compares the migration files of `dir` (relative to `root`) with their recorded checksums. Files
 * with no entry are left to the stale-file check (the regenerated checksums.json differs then).
 */
export async function verifyMigrationChecksums(root: string, dir: string, existing: readonly string[]): Promise<ChecksumProblem[]> {
  const text = await readFile(join(root, dir, CHECKSUMS_FILE), 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return [];
  const recorded = parseChecksums(text);
  const problems: ChecksumProblem[] = [];
  for (const [file, sum] of Object.entries(recorded).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!existing.includes(file)) {
      problems.push({
        file: `${dir}/${file}`,
        problem: 'missing',
        message: `${dir}/${file} was generated and recorded but is gone; restore it from git (migrations are append-only)`,
      });
      continue;
    }
    const now = migrationChecksum(await readFile(join(root, dir, file), 'utf8'));
    if (now !== sum) {
      problems.push({
        file: `${dir}/${file}`,
        problem: 'changed',
        message:
          `${dir}/${file} was edited after it was generated (recorded ${sum.slice(0, 19)}…, now ${now.slice(0, 19)}…); ` +
          `restore it (git checkout -- ${dir}/${file}) and put the change in the catalogue so \`loopgen build\` writes a new migration`,
      });
    }
  }
  return problems;
}
