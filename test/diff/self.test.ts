/**
 * The repository diffed against itself: through a directory and through git (the path CI takes),
 * the whole catalogue reports nothing. Also the semver steps the SDK release takes from a diff.
 */
import { describe, expect, it } from 'vitest';
import { runDiff } from '../../bin/commands/diff.ts';
import { EXIT } from '../../bin/exit-codes.ts';
import { diffProjects } from '../../generator/diff/diff-projects.ts';
import { gitSource } from '../../generator/diff/sources.ts';
import { bumpVersion, maxVersion, releaseLevel } from '../../generator/diff/semver.ts';
import type { Change } from '../../generator/diff/change.ts';
import { projectRoot } from '../helpers/golden.ts';

describe('loopgen diff of this repository', () => {
  it('against its own directory is empty', async () => {
    let out = '';
    expect(await runDiff({ root: projectRoot, base: projectRoot, format: 'text', allowBreaking: false, log: (t) => (out += t) })).toBe(
      EXIT.ok,
    );
    expect(out).toContain('no API, database or access changes');
  });

  it('HEAD against HEAD through git is empty for every service', async () => {
    const t = performance.now();
    const report = await diffProjects(await gitSource(projectRoot, 'HEAD'), await gitSource(projectRoot, 'HEAD'));
    expect(report.services).toEqual(expect.arrayContaining(['loop', 'platform', 'roomloop']));
    expect(report.changes).toEqual([]);
    console.log(`diff HEAD..HEAD over ${report.services.length} services: ${Math.round(performance.now() - t)} ms`);
  });

  it('an unknown base is a usage error', async () => {
    let out = '';
    expect(
      await runDiff({ root: projectRoot, base: 'no-such-ref-xyz', format: 'text', allowBreaking: false, log: (t) => (out += t) }),
    ).toBe(EXIT.usage);
    expect(out).toContain('no git revision `no-such-ref-xyz`');
  });
});

describe('SDK semver from a diff', () => {
  const c = (severity: Change['severity'], addition = false): Change => ({
    service: 's',
    area: 'api',
    subject: 'GET /x',
    rule: 'r',
    severity,
    message: 'm',
    ...(addition ? { addition } : {}),
  });
  it.each([
    [[], 'none', '1.2.3'],
    [[c('safe')], 'patch', '1.2.4'],
    [[c('safe', true)], 'minor', '1.3.0'],
    [[c('potentially-breaking')], 'minor', '1.3.0'],
    [[c('safe', true), c('breaking')], 'major', '2.0.0'],
  ] as const)('%j → %s', (changes, level, version) => {
    expect(releaseLevel(changes)).toBe(level);
    expect(bumpVersion('1.2.3', releaseLevel(changes))).toBe(version);
  });
  it('a catalogue version raised by hand wins', () => {
    expect(maxVersion('1.3.0', '2.0.0')).toBe('2.0.0');
    expect(maxVersion('1.10.0', '1.9.9')).toBe('1.10.0');
  });
});
