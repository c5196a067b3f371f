/**
 * `loopgen diff`: two versions of a project → every API, database and access change per service,
 * classified. Reads only committed artefacts (the OpenAPI documents and schema snapshots under
 * generated/, the catalogue YAML), and only the files whose content differs, so a whole-catalogue
 * diff stays well under two seconds.
 */
import type { Snapshot } from '../emit/migration/index.ts';
import { diffAccess } from './access-diff.ts';
import { change, compareChanges, type Change } from './change.ts';
import { diffDatabase } from './database-diff.ts';
import { diffOpenApi } from './openapi-diff.ts';
import type { OpenApiDocument } from './openapi-types.ts';
import type { ProjectSource } from './sources.ts';

export interface DiffReport {
  readonly base: string;
  readonly head: string;
  /** Services compared, sorted. */
  readonly services: readonly string[];
  /** Sorted by service, severity, subject. */
  readonly changes: readonly Change[];
  /** Things the reader should know (e.g. spec/ changed but generated/ was not rebuilt). */
  readonly notes: readonly string[];
}

export interface DiffProjectsOptions {
  readonly services?: readonly string[];
}

export async function diffProjects(base: ProjectSource, head: ProjectSource, opts: DiffProjectsOptions = {}): Promise<DiffReport> {
  const [pathsA, pathsB] = await Promise.all([base.list(), head.list()]);
  const serviceOf = (p: string) => p.split('/')[1]!;
  const all = [...new Set([...pathsA, ...pathsB].map(serviceOf))].sort();
  const services = opts.services ? all.filter((s) => opts.services!.includes(s)) : all;
  const changes: Change[] = [];
  const notes: string[] = [];
  await Promise.all(
    services.map(async (service) => {
      const differs = async (p: string) => (await base.id(p)) !== (await head.id(p));
      const openapi = `generated/${service}/openapi.json`;
      const snapshot = `generated/${service}/migrations/snapshot.json`;
      const specFiles = [...new Set([...pathsA, ...pathsB].filter((p) => p.startsWith(`spec/${service}/`)))].sort();
      const changedSpec = (await Promise.all(specFiles.map(async (p) => ((await differs(p)) ? p : null)))).filter(
        (p): p is string => p !== null,
      );
      const apiChanged = await differs(openapi);
      const dbChanged = await differs(snapshot);

      const [docA, docB] = apiChanged
        ? await Promise.all([json<OpenApiDocument>(base, openapi), json<OpenApiDocument>(head, openapi)])
        : [null, null];
      if (apiChanged && !docA && docB) {
        changes.push(
          change({
            service,
            area: 'api',
            subject: 'service',
            rule: 'service-added',
            severity: 'safe',
            message: 'new service',
            addition: true,
          }),
        );
      } else if (apiChanged && docA && !docB) {
        changes.push(
          change({ service, area: 'api', subject: 'service', rule: 'service-removed', severity: 'breaking', message: 'service removed' }),
        );
      } else if (docA && docB) {
        changes.push(...diffOpenApi(service, docA, docB));
      }
      if (dbChanged) {
        const [snapA, snapB] = await Promise.all([json<Snapshot>(base, snapshot), json<Snapshot>(head, snapshot)]);
        if (snapA || snapB) changes.push(...diffDatabase(service, snapA, snapB ?? { version: 1, service, tables: [] }));
      }
      if (changedSpec.length > 0) {
        const read = async (src: ProjectSource) =>
          new Map(await Promise.all(changedSpec.map(async (p) => [p, await src.read(p)] as const)));
        const [ya, yb] = await Promise.all([read(base), read(head)]);
        changes.push(...diffAccess(service, ya, yb));
        if (!apiChanged && !dbChanged && (await head.id(openapi)) !== null) {
          notes.push(
            `${service}: spec/${service}/ differs but its OpenAPI document and schema snapshot do not; ` +
              `if \`loopgen build\` has not run since spec/ was edited, the API and database parts of this report are incomplete.`,
          );
        }
      }
    }),
  );
  return { base: base.label, head: head.label, services, changes: changes.sort(compareChanges), notes: notes.sort() };
}

async function json<T>(src: ProjectSource, path: string): Promise<T | null> {
  const text = await src.read(path);
  return text === null ? null : (JSON.parse(text) as T);
}

export function hasBreaking(report: DiffReport): boolean {
  return report.changes.some((c) => c.severity === 'breaking');
}
