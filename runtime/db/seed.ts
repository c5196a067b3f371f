/**
 * Loads `generated/<service>/seed.json` into an empty database: resource seed rows (plus demo
 * rows with `demo`), the product catalogue and the permission catalogue. A table that already
 * has rows is left alone, so calling this on every start is safe; all inserts share one transaction.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Knex } from 'knex';

/** Mirrors generator/emit/seed/emit-seed.ts SeedFile (the runtime does not import the generator). */
interface SeedFile {
  readonly service: string;
  readonly products: readonly Record<string, unknown>[];
  readonly permissions: readonly Record<string, unknown>[];
  readonly tables: readonly {
    readonly table: string;
    readonly scope: 'company' | 'workspace' | 'global';
    readonly idStyle: 'serial' | 'prefixed';
    readonly idPrefix?: string;
    readonly jsonColumns: readonly string[];
    readonly seed: readonly Record<string, unknown>[];
    readonly demo: readonly Record<string, unknown>[];
  }[];
}

export interface SeedOptions {
  readonly service: string;
  readonly seedFile: string;
  /** Also load the catalogue's demo rows. */
  readonly demo?: boolean;
}

export interface SeedResult {
  /** Rows inserted per table by this call (tables left alone are absent). */
  readonly inserted: Record<string, number>;
}

export async function seedIfEmpty(db: Knex, opts: SeedOptions): Promise<SeedResult> {
  const text = await readFile(opts.seedFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return { inserted: {} };
  const seed = JSON.parse(text) as SeedFile;
  const inserted: Record<string, number> = {};

  await db.transaction(async (trx) => {
    const load = async (
      table: string,
      rows: readonly Record<string, unknown>[],
      prepare: (row: Record<string, unknown>) => Record<string, unknown> | null,
    ) => {
      if (rows.length === 0 || !(await isEmptyTable(trx, table))) return;
      const columns = new Set(Object.keys(await trx(table).columnInfo()));
      const prepared = rows.flatMap((row) => {
        const r = prepare({ ...row });
        // Keys without a column (e.g. a many-to-many list in a demo row) are not stored here.
        return r ? [Object.fromEntries(Object.entries(r).filter(([k]) => columns.has(k)))] : [];
      });
      if (prepared.length === 0) return;
      await trx(table).insert(prepared);
      inserted[table] = prepared.length;
      if (columns.has('id') && prepared.some((r) => typeof r.id === 'number')) await bumpSequence(trx, table);
    };

    for (const t of seed.tables) {
      const rows = opts.demo ? [...t.seed, ...t.demo] : t.seed;
      const companyId = t.scope === 'global' ? null : await firstCompanyId(trx);
      await load(t.table, rows, (row) => {
        if (t.idStyle === 'prefixed' && row.id === undefined)
          row.id = `${t.idPrefix ?? t.table.slice(0, 3)}_${randomBytes(12).toString('hex')}`;
        for (const c of t.jsonColumns) if (row[c] !== undefined) row[c] = JSON.stringify(row[c]);
        if (t.scope !== 'global' && row.company_id === undefined) {
          // Tenant rows without a company belong to the first (demo) company; none yet → skip them.
          if (companyId === null) return null;
          row.company_id = companyId;
        }
        return row;
      });
    }
    await load('products', seed.products, (row) => row);
    await load('permissions', seed.permissions, (row) => row);
  });
  return { inserted };
}

async function isEmptyTable(trx: Knex.Transaction, table: string): Promise<boolean> {
  if (!(await trx.schema.hasTable(table))) return false;
  const row = await trx(table).first(trx.raw('1 as one'));
  return row === undefined;
}

async function firstCompanyId(trx: Knex.Transaction): Promise<number | string | null> {
  if (!(await trx.schema.hasTable('companies'))) return null;
  const row = (await trx('companies').min({ id: 'id' }).first()) as { id: number | string | null } | undefined;
  return row?.id ?? null;
}

/** Rows inserted with explicit serial ids leave the sequence behind; move it past them. */
async function bumpSequence(trx: Knex.Transaction, table: string): Promise<void> {
  await trx.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), (SELECT COALESCE(MAX(id), 1) FROM ??))`, [table, table]);
}
