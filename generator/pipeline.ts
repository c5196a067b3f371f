/**
 * catalogue → IR → emitters → files. Pure apart from reading the catalogue and the previous
 * migration snapshot; `bin/` decides whether to write (build) or compare (check).
 */
import { loadCatalogue } from './load/load-catalogue.ts';
import { emitCatalogueSchema } from './load/meta-schema.ts';
import { emitOpenApi } from './emit/openapi/emit-openapi.ts';
import { emitZod } from './emit/zod/emit-zod.ts';
import { emitRouter } from './emit/router/emit-router.ts';
import { emitHandlers } from './emit/handlers/emit-handlers.ts';
import { emitSdk } from './emit/sdk/emit-sdk.ts';
import { emitSeed } from './emit/seed/emit-seed.ts';
import { emitMigrations, readPreviousMigrations } from './emit/migration/emit-migrations.ts';
import { emitCitusSchema } from './emit/migration/citus/emit-citus-schema.ts';
import { applySdkRelease } from './diff/sdk-release.ts';
import type { EmitContext, GeneratedFile } from './emit/generated-file.ts';
import type { ServiceNode } from './ir/index.ts';
import type { Diagnostic } from './diagnostics.ts';
import { byKey } from './shared/ordering.ts';
import { LOOPGEN_VERSION } from './version.ts';

export { LOOPGEN_VERSION };

export interface GenerateOptions {
  readonly root: string;
  /** Limit to these services (default: every folder under spec/). */
  readonly services?: readonly string[];
  readonly allowDestructive?: boolean;
  /** Called as each service starts emitting (the CLI shows a progress line on a TTY). */
  readonly onService?: (service: string, index: number, total: number) => void;
}

export interface ServiceMigrationOutcome {
  readonly service: string;
  /** True when the catalogue's schema differs from the last snapshot (a new migration is part of `files`). */
  readonly changed: boolean;
  readonly statements: readonly { kind: string }[];
  /** Destructive statements refused (drops, narrowing) unless `allowDestructive`. */
  readonly destructive: readonly { kind: string }[];
}

export interface GenerateResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly GeneratedFile[];
  readonly services: readonly ServiceNode[];
  readonly migrations: readonly ServiceMigrationOutcome[];
  /** Directories the generator owns entirely (orphans there are removed). */
  readonly owned: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
}

type Emitter = (service: ServiceNode, ctx: EmitContext) => GeneratedFile[] | GeneratedFile | Promise<GeneratedFile[] | GeneratedFile>;

/** Every output kind but migrations (which need the previous snapshot). Order is the order of the build log. */
const EMITTERS: Readonly<Record<string, Emitter>> = {
  openapi: emitOpenApi,
  zod: emitZod,
  router: emitRouter,
  handlers: emitHandlers,
  sdk: emitSdk,
  seed: (s) => emitSeed(s),
};

export async function generate(opts: GenerateOptions): Promise<GenerateResult> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  const loaded = await loadCatalogue(opts.root, opts.services ? { services: [...opts.services] } : undefined);
  timings.load = performance.now() - t0;
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.catalogue || errors.length > 0) {
    return { diagnostics: loaded.diagnostics, files: [], services: [], migrations: [], owned: [], timings };
  }
  const ctx: EmitContext = { root: opts.root, version: LOOPGEN_VERSION };
  const files: GeneratedFile[] = [emitCatalogueSchema()];
  const migrations: ServiceMigrationOutcome[] = [];
  const owned: string[] = [];
  const all = loaded.catalogue.services;
  for (const [i, service] of all.entries()) {
    opts.onService?.(service.name, i, all.length);
    owned.push(`generated/${service.name}`);
    for (const [kind, emit] of Object.entries(EMITTERS)) {
      const t = performance.now();
      const out = await emit(service, ctx);
      files.push(...(Array.isArray(out) ? out : [out]));
      timings[kind] = (timings[kind] ?? 0) + (performance.now() - t);
    }
    // The SDK's semver and CHANGELOG.md come from the new OpenAPI document vs the committed one.
    const tr = performance.now();
    await applySdkRelease(opts.root, service, files);
    timings.sdk = (timings.sdk ?? 0) + (performance.now() - tr);
    const t = performance.now();
    const previous = await readPreviousMigrations(opts.root, service.name);
    const m = emitMigrations(service, ctx, previous, { allowDestructive: opts.allowDestructive ?? false });
    files.push(...m.files);
    if (service.citus) files.push(emitCitusSchema(service));
    migrations.push({ service: service.name, changed: m.changed, statements: m.statements, destructive: m.destructive });
    timings.migration = (timings.migration ?? 0) + (performance.now() - t);
  }
  files.sort(byKey((f) => f.path));
  return { diagnostics: loaded.diagnostics, files, services: loaded.catalogue.services, migrations, owned, timings };
}

/** Migration files are append-only: once written they are inputs, never orphans. */
export function isPreserved(path: string): boolean {
  return /^generated\/[^/]+\/migrations\/\d{4}_[^/]+\.ts$/.test(path);
}
