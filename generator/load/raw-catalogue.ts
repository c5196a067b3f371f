/**
 * The catalogue as read from disk and checked against the meta-schema, before normalisation:
 * plain validated data plus the YAML sources for positions. Shared by the checks and the normaliser.
 */
import type { ModuleFile, ResourceSpec, ServiceFile } from './meta-schema.ts';
import type { YamlSource } from './yaml-source.ts';

export interface RawModule {
  /** File name without `.yaml`; the module name must equal it. */
  readonly fileName: string;
  readonly spec: ModuleFile;
  readonly source: YamlSource;
}

export interface RawService {
  /** Folder name; the service name must equal it. */
  readonly folder: string;
  readonly spec: ServiceFile;
  readonly source: YamlSource;
  /** Sorted by file name. */
  readonly modules: readonly RawModule[];
  /** Modules whose file failed the meta-schema: refs into them are not reported again. */
  readonly brokenModules: ReadonlySet<string>;
}

export interface RawCatalogue {
  /** Sorted by folder name. */
  readonly services: readonly RawService[];
}

/** URL segment of a module: `path:` when given ("" puts resources at the service root), else its name. */
export function modulePath(m: ModuleFile): string {
  return trimSlashes(m.path ?? m.module);
}

/** Path of a resource relative to the service base, no slashes at either end: `booking/services`. */
export function resourcePath(m: ModuleFile, key: string, r: ResourceSpec): string {
  return joinPath(modulePath(m), r.path ?? key);
}

export function joinPath(...parts: string[]): string {
  return parts.map(trimSlashes).filter(Boolean).join('/');
}

export function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}

export interface ResolvedRef {
  readonly module: RawModule;
  readonly key: string;
  readonly resource: ResourceSpec;
}

/** `to:` is `module.resource`, or just `resource` within the same module. */
export function resolveRef(service: RawService, from: RawModule, to: string): ResolvedRef | null {
  const dot = to.indexOf('.');
  const moduleName = dot < 0 ? from.spec.module : to.slice(0, dot);
  const key = dot < 0 ? to : to.slice(dot + 1);
  const module = service.modules.find((m) => m.spec.module === moduleName);
  const resource = module?.spec.resources?.[key];
  return module && resource ? { module, key, resource } : null;
}

/** Every valid `to:` spelling from a module's point of view, for "did you mean". */
export function refCandidates(service: RawService, from: RawModule): string[] {
  const out: string[] = [];
  for (const m of service.modules) {
    for (const key of Object.keys(m.spec.resources ?? {})) {
      out.push(`${m.spec.module}.${key}`);
      if (m === from) out.push(key);
    }
  }
  return out;
}

export function isBrokenRef(service: RawService, from: RawModule, to: string): boolean {
  const dot = to.indexOf('.');
  return service.brokenModules.has(dot < 0 ? from.spec.module : to.slice(0, dot));
}
