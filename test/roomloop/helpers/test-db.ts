/**
 * A RoomLoop database for tests: real PostgreSQL when DATABASE_URL is set (one fresh schema per
 * call, so files can run side by side), otherwise an in-memory PGlite. The schema comes from the
 * migration emitter run over spec/roomloop (the same code `loopgen build` writes to
 * generated/roomloop/migrations), and the facilities from the catalogue's seed rows.
 */
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { closeDatabase } from '../../../runtime/db/open-database.ts';
import { loadCatalogue } from '../../../generator/load/load-catalogue.ts';
import { emitMigrations } from '../../../generator/emit/migration/emit-migrations.ts';
import type { ServiceNode } from '../../../generator/ir/index.ts';
import { openEmptyDatabase } from '../../helpers/test-service.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');

let service: Promise<ServiceNode> | null = null;
function roomloopService(): Promise<ServiceNode> {
  service ??= loadCatalogue(ROOT, { services: ['roomloop'] }).then((r) => {
    if (!r.catalogue)
      throw new Error(
        `spec/roomloop does not load:\n${r.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.message}`).join('\n')}`,
      );
    return r.catalogue.services[0]!;
  });
  return service;
}

export const usingPostgres = Boolean(process.env.DATABASE_URL);

export interface TestDb {
  readonly db: Knex;
  close(): Promise<void>;
}

export async function openTestDb(label: string): Promise<TestDb> {
  const schema = `rl_${label}_${randomBytes(4).toString('hex')}`;
  const db = await openEmptyDatabase({ service: 'roomloop', schema });
  const svc = await roomloopService();
  const out = emitMigrations(svc, { root: ROOT, version: 'test' }, { snapshot: null, existing: [] }, { allowDestructive: false });
  const dir = await mkdtemp(join(ROOT, 'test', 'roomloop', '.tmp-'));
  try {
    for (const f of out.files.filter((f) => f.path.endsWith('.ts'))) {
      const file = join(dir, f.path.split('/').pop()!);
      await writeFile(file, f.contents);
      const mod = (await import(pathToFileURL(file).href)) as { up(k: Knex): Promise<void> };
      await mod.up(db);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  await seedFacilities(db, svc);
  return {
    db,
    async close() {
      if (usingPostgres) await db.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await closeDatabase(db);
    },
  };
}

async function seedFacilities(db: Knex, svc: ServiceNode): Promise<void> {
  for (const r of svc.resources.filter((r) => r.seed.length > 0)) {
    const jsonCols = new Set(r.fields.filter((f) => f.type === 'json').map((f) => f.name));
    const rows = r.seed.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, jsonCols.has(k) ? JSON.stringify(v) : v])));
    await db(r.table).insert(rows);
  }
}
