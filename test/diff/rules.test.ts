/**
 * `loopgen diff` rule by rule: each case edits the fixture catalogue the way a maintainer would,
 * rebuilds, and compares the two project copies. The text reports are golden files
 * (test/golden/diff-rules/, UPDATE_GOLDEN=1 rewrites them); the rule ids and severities are asserted here.
 * The SDK release (version, CHANGELOG.md) is checked on the same pairs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBuild } from '../../bin/build-runner.ts';
import { runFullCheck } from '../../bin/commands/check.ts';
import { runDiff } from '../../bin/commands/diff.ts';
import { EXIT } from '../../bin/exit-codes.ts';
import { diffProjects } from '../../generator/diff/diff-projects.ts';
import { formatReport } from '../../generator/diff/report.ts';
import { directorySource } from '../../generator/diff/sources.ts';
import type { GeneratedFile } from '../../generator/emit/generated-file.ts';
import { expectGolden } from '../helpers/golden.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'basic', 'spec');
const BOOKING = 'spec/shop/booking.yaml';
const CORE = 'spec/shop/core.yaml';

interface Case {
  readonly name: string;
  readonly file: string;
  readonly from: string;
  readonly to: string;
  /** `rule severity` pairs that must be among the findings. */
  readonly expect: readonly string[];
  /** SDK version after the rebuild (base is 1.0.0). */
  readonly sdk?: string;
}

const CASES: readonly Case[] = [
  {
    name: 'removed-operation',
    file: BOOKING,
    from: '  calendar:\n    method: GET',
    to: '  calendar-v2:\n    method: GET',
    expect: ['api-path-removed breaking', 'api-added safe'],
    sdk: '2.0.0',
  },
  {
    name: 'removed-response-field',
    file: BOOKING,
    from: '      description:      { type: text, nullable: true }\n',
    to: '',
    expect: ['response-property-removed breaking', 'request-property-removed potentially-breaking', 'column-dropped breaking'],
    sdk: '2.0.0',
  },
  {
    name: 'renamed-response-field',
    file: BOOKING,
    from: '      description:      { type: text, nullable: true }',
    to: '      details:          { type: text, nullable: true, renamed_from: description }',
    expect: ['response-property-removed breaking', 'response-property-added safe'],
  },
  {
    name: 'new-required-request-field',
    file: BOOKING,
    from: '      is_active:        { type: boolean, default: true, filter: true }',
    to: '      is_active:        { type: boolean, default: true, filter: true }\n      color:            { type: string, max: 7, required: true }',
    expect: ['new-required-request-property breaking', 'column-added-not-null-without-default breaking'],
  },
  {
    name: 'new-required-parameter',
    file: BOOKING,
    from: '      staff: { type: integer }',
    to: '      staff: { type: integer, required: true }',
    expect: ['request-parameter-became-required breaking'],
  },
  {
    name: 'type-change',
    file: BOOKING,
    from: 'duration_minutes: { type: integer, min: 5, max: 1440, default: 60, order: true }',
    to: 'duration_minutes: { type: string, max: 10, default: "60", order: true }',
    expect: ['request-property-type-changed breaking', 'response-property-type-changed breaking', 'column-type-narrowed breaking'],
  },
  {
    name: 'format-change',
    file: BOOKING,
    from: 'hired_on:     { type: date, nullable: true, filter: range }',
    to: 'hired_on:     { type: datetime, nullable: true, filter: range }',
    expect: ['response-property-format-changed breaking', 'column-type-widened safe'],
  },
  {
    name: 'narrowed-enum',
    file: BOOKING,
    from: 'values: [hair, nails, spa]',
    to: 'values: [hair, nails]',
    expect: ['request-property-enum-value-removed breaking', 'check-narrowed breaking'],
  },
  {
    name: 'widened-enum',
    file: BOOKING,
    from: 'values: [hair, nails, spa]',
    to: 'values: [hair, nails, spa, barber]',
    expect: ['request-property-enum-value-added safe', 'response-property-enum-value-added potentially-breaking'],
    sdk: '1.1.0',
  },
  {
    name: 'narrowed-range',
    file: BOOKING,
    from: 'min: 5, max: 1440, default: 60',
    to: 'min: 10, max: 600, default: 60',
    expect: ['request-property-minimum-increased breaking', 'request-property-maximum-decreased breaking', 'check-narrowed breaking'],
  },
  {
    name: 'narrowed-length',
    file: BOOKING,
    from: 'name:             { type: string, max: 200,',
    to: 'name:             { type: string, max: 100,',
    expect: ['request-property-max-length-decreased breaking', 'column-type-narrowed breaking'],
  },
  {
    name: 'changed-default',
    file: BOOKING,
    from: 'default: pending, filter: true',
    to: 'default: confirmed, filter: true',
    expect: ['request-property-default-changed potentially-breaking', 'column-default-changed safe'],
  },
  {
    name: 'changed-permission',
    file: BOOKING,
    from: '        errors: [409]\n',
    to: '        errors: [409]\n        permission: booking.invoices.create\n',
    expect: ['api-permission-changed breaking'],
  },
  {
    name: 'changed-access',
    file: CORE,
    from: '    scope: global\n',
    to: '    scope: global\n    access: { read: permission, write: superuser }\n',
    expect: ['access-read-changed potentially-breaking'],
  },
  {
    name: 'changed-error-codes',
    file: BOOKING,
    from: '        errors: [409]\n',
    to: '        errors: [409, 422]\n',
    expect: ['response-non-success-status-added potentially-breaking'],
  },
  {
    name: 'unique-over-data',
    file: BOOKING,
    from: '      hired_on:     { type: date, nullable: true, filter: range }\n',
    to: '      hired_on:     { type: date, nullable: true, filter: range }\n    unique_together: [[display_name]]\n',
    expect: ['unique-added-over-data potentially-breaking'],
  },
  {
    name: 'optional-field-added',
    file: BOOKING,
    from: '      is_active:        { type: boolean, default: true, filter: true }',
    to: '      is_active:        { type: boolean, default: true, filter: true }\n      color:            { type: string, max: 7, nullable: true }',
    expect: ['request-property-added safe', 'response-property-added safe', 'column-added safe'],
    sdk: '1.1.0',
  },
];

let base: string;
const reports: GeneratedFile[] = [];

async function copyProject(from: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loopgen-diff-'));
  await cp(from, dir, { recursive: true });
  return dir;
}

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'loopgen-diff-base-'));
  await cp(fixture, join(base, 'spec'), { recursive: true });
  expect(await runBuild({ root: base, log: () => {} })).toBe(EXIT.ok);
});
afterAll(async () => {
  await expectGolden('diff-rules', reports);
  await rm(base, { recursive: true, force: true });
});

describe('loopgen diff rules', () => {
  it('a project compared with itself has no changes, and exits 0', async () => {
    let out = '';
    expect(await runDiff({ root: base, base, format: 'text', allowBreaking: false, log: (t) => (out += t) })).toBe(EXIT.ok);
    expect(out).toContain('no API, database or access changes');
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.expect.join(', ')}`, async () => {
      const head = await copyProject(base);
      try {
        const text = await readFile(join(head, c.file), 'utf8');
        expect(text, `${c.name}: the edit must apply`).toContain(c.from);
        await writeFile(join(head, c.file), text.replace(c.from, c.to));
        expect(await runBuild({ root: head, allowDestructive: true, log: () => {} })).toBe(EXIT.ok);
        const report = await diffProjects(directorySource(base, 'base'), directorySource(head, 'head'));
        const found = new Set(report.changes.map((x) => `${x.rule} ${x.severity}`));
        for (const e of c.expect) expect([...found], `${c.name} finds ${e}`).toContain(e);
        expect(report.changes.every((x) => x.service === 'shop')).toBe(true);
        reports.push({ path: `generated/${c.name}.txt`, contents: formatReport(report, 'text') });

        const breaking = report.changes.some((x) => x.severity === 'breaking');
        let out = '';
        expect(await runDiff({ root: head, base, format: 'json', allowBreaking: false, log: (t) => (out += t) })).toBe(
          breaking ? EXIT.failure : EXIT.ok,
        );
        expect(JSON.parse(out).changes).toHaveLength(report.changes.length);
        expect(await runDiff({ root: head, base, format: 'markdown', allowBreaking: true, log: () => {} })).toBe(EXIT.ok);

        if (c.sdk) {
          const pkg = JSON.parse(await readFile(join(head, 'generated/shop/sdk/package.json'), 'utf8'));
          expect(pkg.version).toBe(c.sdk);
          const changelog = await readFile(join(head, 'generated/shop/sdk/CHANGELOG.md'), 'utf8');
          expect(changelog).toContain(`## ${c.sdk} (${c.sdk === '2.0.0' ? 'major' : 'minor'})`);
          expect(changelog).toContain('## 1.0.0');
          // The release is a function of committed files: a second build and check change nothing.
          const again: string[] = [];
          expect(await runBuild({ root: head, force: true, log: (l) => again.push(l) })).toBe(EXIT.ok);
          expect(again.filter((l) => l.startsWith('wrote'))).toEqual([]);
          expect(await runFullCheck({ root: head, log: () => {} })).toBe(EXIT.ok);
        }
      } finally {
        await rm(head, { recursive: true, force: true });
      }
    });
  }
});
