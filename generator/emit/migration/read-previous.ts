/**
 * The one place the migration generator reads the disk: the recorded snapshot and the names of
 * migrations already written. Everything else in the emitter is pure.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Snapshot } from './snapshot-types.ts';
import { CHECKSUMS_FILE, migrationChecksum, parseChecksums, type MigrationChecksums } from './checksums.ts';

export interface PreviousMigrations {
  readonly snapshot: Snapshot | null;
  /** Migration file names already in generated/<service>/migrations (e.g. `0001_initial.ts`). */
  readonly existing: readonly string[];
  /**
   * Checksums to record: every entry of checksums.json as written, plus one for each existing
   * migration it lacks (computed from the file now). Absent in hand-made values (tests): none recorded.
   */
  readonly checksums?: MigrationChecksums;
}

export function migrationsDir(service: string): string {
  return `generated/${service}/migrations`;
}

export const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.ts$/;

export async function readPreviousMigrations(root: string, service: string): Promise<PreviousMigrations> {
  const dir = join(root, migrationsDir(service));
  const snapshot = await readFile(join(dir, 'snapshot.json'), 'utf8').then(
    (text) => JSON.parse(text) as Snapshot,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    },
  );
  const existing = await readdir(dir).then(
    (names) => names.filter((n) => MIGRATION_FILE.test(n)).sort(),
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [] as string[];
      throw err;
    },
  );
  const recorded = await readFile(join(dir, CHECKSUMS_FILE), 'utf8').then(parseChecksums, (err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return {} as MigrationChecksums;
    throw err;
  });
  // Entries of vanished files stay, so `loopgen check` can name them (checksums.ts).
  const checksums: Record<string, string> = { ...recorded };
  for (const name of existing) checksums[name] = recorded[name] ?? migrationChecksum(await readFile(join(dir, name), 'utf8'));
  return { snapshot, existing, checksums };
}
