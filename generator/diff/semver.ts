/** Semver from a classified diff: major for breaking, minor for additions or possible breaks, patch otherwise. */
import type { Change } from './change.ts';

export type ReleaseLevel = 'major' | 'minor' | 'patch' | 'none';

export function releaseLevel(changes: readonly Change[]): ReleaseLevel {
  if (changes.length === 0) return 'none';
  if (changes.some((c) => c.severity === 'breaking')) return 'major';
  if (changes.some((c) => c.addition || c.severity === 'potentially-breaking')) return 'minor';
  return 'patch';
}

export function parseVersion(v: string): [number, number, number] | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

export function bumpVersion(version: string, level: ReleaseLevel): string {
  const v = parseVersion(version);
  if (!v || level === 'none') return version;
  const [major, minor, patch] = v;
  if (level === 'major') return `${major + 1}.0.0`;
  if (level === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

/** The higher of two versions (a catalogue `version:` raised by hand wins over the computed one). */
export function maxVersion(a: string, b: string): string {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x) return b;
  if (!y) return a;
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]! ? a : b;
  return a;
}
