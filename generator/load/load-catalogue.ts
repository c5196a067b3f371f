/**
 * Front door of the generator: read `spec/<service>/*.yaml`, check everything, normalise to the IR.
 * Every mistake of a run is collected (never stop at the first), each with file:line:col.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { diagnostic, didYouMean, hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import type { CatalogueNode } from '../ir/catalogue-node.ts';
import { normalise } from './normalise.ts';
import { checkCatalogue } from './check-catalogue.ts';
import { moduleFileSchema, serviceFileSchema, type ModuleFile, type ServiceFile } from './meta-schema.ts';
import type { RawCatalogue, RawModule, RawService } from './raw-catalogue.ts';
import { pruneToValid } from './prune-invalid.ts';
import { parseYamlSource, type YamlSource } from './yaml-source.ts';
import { issuesToDiagnostics } from './zod-issues.ts';

export interface LoadOptions {
  /** Only these services (folder names); default all. */
  readonly services?: readonly string[];
  /** Catalogue folder relative to root; default `spec`. */
  readonly specDir?: string;
}

export interface LoadResult {
  /** Null when any error was found. */
  readonly catalogue: CatalogueNode | null;
  /** Sorted by file and position. */
  readonly diagnostics: Diagnostic[];
  /** Every catalogue file read, relative to root, sorted. */
  readonly sources: string[];
}

export async function loadCatalogue(root: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const specDir = (opts.specDir ?? 'spec').replace(/\/+$/, '');
  const diagnostics: Diagnostic[] = [];
  const sources: string[] = [];
  const raw = await readCatalogue(root, specDir, opts.services, diagnostics, sources);
  diagnostics.push(...checkCatalogue(raw));
  // The normaliser also runs after errors, so name collisions are reported in the same run; it skips
  // what it cannot resolve, and a crash on a broken catalogue only matters when nothing else was wrong.
  const hadErrors = hasErrors(diagnostics);
  let catalogue: CatalogueNode | null = null;
  try {
    catalogue = normalise(raw, (d) => diagnostics.push(d));
  } catch (e) {
    if (!hadErrors) throw e;
  }
  if (hasErrors(diagnostics)) catalogue = null;
  return { catalogue, diagnostics: sortDiagnostics(diagnostics), sources: sources.sort() };
}

async function readCatalogue(
  root: string,
  specDir: string,
  only: readonly string[] | undefined,
  diagnostics: Diagnostic[],
  sources: string[],
): Promise<RawCatalogue> {
  const dirLoc = { file: specDir, line: 1, column: 1 };
  const folders = (await listDir(join(root, specDir)))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const withService: string[] = [];
  for (const f of folders) if (await exists(join(root, specDir, f, 'service.yaml'))) withService.push(f);
  if (withService.length === 0) diagnostics.push(diagnostic('no-services', dirLoc, { dir: specDir }));
  for (const name of only ?? []) {
    if (!withService.includes(name)) diagnostics.push(diagnostic('unknown-service', dirLoc, { name }, didYouMean(name, withService)));
  }
  const services: RawService[] = [];
  for (const folder of withService.filter((f) => !only || only.includes(f))) {
    const s = await readService(root, `${specDir}/${folder}`, folder, diagnostics, sources);
    if (s) services.push(s);
  }
  return { services };
}

async function readService(
  root: string,
  dir: string,
  folder: string,
  diagnostics: Diagnostic[],
  sources: string[],
): Promise<RawService | null> {
  const service = await readChecked<ServiceFile>(
    root,
    `${dir}/service.yaml`,
    serviceFileSchema,
    { service: folder, title: folder, version: '0.0.0', base_path: '/', style: 'drf', auth: ['jwt'] },
    'service.yaml',
    diagnostics,
    sources,
  );
  const files = (await listDir(join(root, dir)))
    .filter((e) => e.isFile() && e.name.endsWith('.yaml') && e.name !== 'service.yaml')
    .map((e) => e.name)
    .sort();
  const modules: RawModule[] = [];
  const brokenModules = new Set<string>();
  for (const name of files) {
    const fileName = name.slice(0, -'.yaml'.length);
    const m = await readChecked<ModuleFile>(
      root,
      `${dir}/${name}`,
      moduleFileSchema,
      { module: fileName, title: fileName },
      'module file',
      diagnostics,
      sources,
    );
    if (m) modules.push({ fileName, spec: m.data, source: m.source });
    else brokenModules.add(fileName);
  }
  if (!service) return null;
  return { folder, spec: service.data, source: service.source, modules, brokenModules };
}

/** Reads, parses and schema-checks one file; null (with diagnostics) when it is not valid. */
async function readChecked<T>(
  root: string,
  file: string,
  schema: z.ZodType,
  defaults: Readonly<Record<string, unknown>>,
  rootLabel: string,
  diagnostics: Diagnostic[],
  sources: string[],
): Promise<{ data: T; source: YamlSource } | null> {
  sources.push(file);
  let text: string;
  try {
    text = await readFile(join(root, file), 'utf8');
  } catch (e) {
    diagnostics.push(diagnostic('file-read', { file, line: 1, column: 1 }, { detail: (e as Error).message }));
    return null;
  }
  const parsed = parseYamlSource(file, text);
  diagnostics.push(...parsed.diagnostics);
  if (parsed.diagnostics.length) return null;
  const result = schema.safeParse(parsed.source.data ?? {}, { reportInput: true });
  if (result.success) return { data: result.data as T, source: parsed.source };
  diagnostics.push(...issuesToDiagnostics(result.error.issues, parsed.source, schema, rootLabel));
  const pruned = pruneToValid(parsed.source.data, schema, defaults);
  return pruned === null ? null : { data: pruned as T, source: parsed.source };
}

async function listDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
