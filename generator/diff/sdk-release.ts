/**
 * The SDK's version and changelog, decided at generation time from committed files only: the API
 * this build emits is compared (openapi-diff.ts) with the one in generated/<service>/openapi.json,
 * and the version in generated/<service>/sdk/package.json is bumped by the result (semver.ts).
 * The release history is kept as data in sdk/changelog.json and written out as CHANGELOG.md through
 * templates/sdk/CHANGELOG.md.hbs. Once a build is written the two documents agree, so the next build
 * (and `loopgen check`) computes the same version and text: no clock, no git.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import type { ServiceNode } from '../ir/index.ts';
import type { GeneratedFile } from '../emit/generated-file.ts';
import { emitPackage } from '../emit/sdk/emit-package.ts';
import { packageName } from '../emit/sdk/sdk-names.ts';
import type { Change } from './change.ts';
import { diffOpenApi } from './openapi-diff.ts';
import type { OpenApiDocument } from './openapi-types.ts';
import { groupChanges } from './report.ts';
import { bumpVersion, maxVersion, releaseLevel, type ReleaseLevel } from './semver.ts';

export interface ChangelogEntry {
  readonly version: string;
  readonly level: ReleaseLevel | 'initial';
  readonly breaking: readonly string[];
  readonly potentiallyBreaking: readonly string[];
  readonly added: readonly string[];
  readonly other: readonly string[];
  readonly note?: string;
}

export interface SdkRelease {
  readonly version: string;
  readonly level: ReleaseLevel | 'initial';
  readonly changes: readonly Change[];
  readonly history: readonly ChangelogEntry[];
}

export interface PreviousSdk {
  readonly openapi: string | null;
  readonly version: string | null;
  readonly history: readonly ChangelogEntry[] | null;
}

export async function readPreviousSdk(root: string, service: string): Promise<PreviousSdk> {
  const read = (p: string) => readFile(join(root, 'generated', service, p), 'utf8').catch(() => null);
  const [openapi, pkg, history] = await Promise.all([read('openapi.json'), read('sdk/package.json'), read('sdk/changelog.json')]);
  const version = pkg ? (((JSON.parse(pkg) as { version?: unknown }).version as string | undefined) ?? null) : null;
  return { openapi, version, history: history ? (JSON.parse(history) as ChangelogEntry[]) : null };
}

/** Pure: the previous SDK state and the API this build emits → the release. */
export function planRelease(service: ServiceNode, previous: PreviousSdk, openapi: string): SdkRelease {
  if (!previous.openapi || !previous.version || !previous.history) {
    // First build, or the first since releases were recorded: the history starts at today's version.
    const version = maxVersion(previous.version ?? service.version, service.version);
    const entry: ChangelogEntry = { version, level: 'initial', breaking: [], potentiallyBreaking: [], added: [], other: [] };
    return { version, level: 'initial', changes: [], history: [entry] };
  }
  const changes =
    previous.openapi === openapi
      ? []
      : diffOpenApi(service.name, JSON.parse(previous.openapi) as OpenApiDocument, JSON.parse(openapi) as OpenApiDocument);
  const level = releaseLevel(changes);
  const version = maxVersion(bumpVersion(previous.version, level), service.version);
  if (version === previous.version) return { version, level: 'none', changes, history: previous.history };
  const words = (list: readonly Change[]) =>
    groupChanges(list).map(
      (g) =>
        `${g.subjects
          .slice(0, 4)
          .map((s) => `\`${s}\``)
          .join(', ')}${g.subjects.length > 4 ? ` and ${g.subjects.length - 4} more` : ''}: ${g.message}`,
    );
  const entry: ChangelogEntry = {
    version,
    level,
    breaking: words(changes.filter((c) => c.severity === 'breaking')),
    potentiallyBreaking: words(changes.filter((c) => c.severity === 'potentially-breaking')),
    added: words(changes.filter((c) => c.severity === 'safe' && c.addition)),
    other: words(changes.filter((c) => c.severity === 'safe' && !c.addition)),
    ...(level === 'none' ? { note: `Version raised to the catalogue's \`version: ${service.version}\`; no API change.` } : {}),
  };
  return { version, level, changes, history: [entry, ...previous.history] };
}

let template: Handlebars.TemplateDelegate | undefined;
async function changelogTemplate(): Promise<Handlebars.TemplateDelegate> {
  template ??= Handlebars.compile(await readFile(new URL('../../templates/sdk/CHANGELOG.md.hbs', import.meta.url), 'utf8'), {
    noEscape: false,
  });
  return template;
}

export async function renderChangelog(service: ServiceNode, history: readonly ChangelogEntry[]): Promise<string> {
  const render = await changelogTemplate();
  const entries = history.map((e) => ({
    ...e,
    initial: e.level === 'initial',
    level: e.level === 'initial' || e.level === 'none' ? '' : e.level,
  }));
  return render({ service: service.name, packageName: packageName(service), title: service.title, entries }).replace(/\n{3,}/g, '\n\n');
}

/**
 * Called once per service after the emitters ran: replaces the SDK's package.json with the released
 * version and adds CHANGELOG.md and changelog.json. `files` is the build's list, changed in place.
 */
export async function applySdkRelease(root: string, service: ServiceNode, files: GeneratedFile[]): Promise<SdkRelease | null> {
  const openapi = files.find((f) => f.path === `generated/${service.name}/openapi.json`);
  const dir = `generated/${service.name}/sdk`;
  const pkgAt = files.findIndex((f) => f.path === `${dir}/package.json`);
  if (!openapi || pkgAt < 0) return null;
  const release = planRelease(service, await readPreviousSdk(root, service.name), openapi.contents);
  files[pkgAt] = emitPackage(service, dir, release.version).find((f) => f.path === `${dir}/package.json`)!;
  files.push(
    { path: `${dir}/CHANGELOG.md`, contents: await renderChangelog(service, release.history) },
    { path: `${dir}/changelog.json`, contents: `${JSON.stringify(release.history, null, 2)}\n` },
  );
  return release;
}
