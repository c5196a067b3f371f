/**
 * Server-generated column values (catalogue `generate:`, spec/README.md "Generated values"), filled
 * by the generic create inside its transaction:
 *
 * - `code`: prefix + random Crockford base32 (no I, L, O, U: unambiguous when read from a tag or typed),
 *   from node:crypto. Unique across the whole table, not only the company, because public lookups
 *   (protector `public-verify/{protector_id}`) search every company: a candidate already in the table
 *   is skipped, and an insert that still hits a unique index (a concurrent create drew the same code)
 *   is retried with a fresh one from a savepoint.
 * - `sequence`: prefix + (highest number already used under that prefix + 1), counted per company or
 *   across the table. Soft-deleted rows count, so a number is never handed out twice. Concurrent creates
 *   are serialised by a transaction-scoped advisory lock keyed by table, column and company; under READ
 *   COMMITTED the max query after the lock sees the previous holder's committed row, so numbers are
 *   distinct and consecutive.
 * - `uuid`: crypto.randomUUID().
 *
 * Exported for handlers that insert rows of such resources themselves (`fillGenerated`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ColumnDescriptor, GeneratedValue, ResourceDescriptor } from '../descriptor.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Fresh draws for one code before giving up; 8 clashes in a row means the code space is too small. */
const MAX_ATTEMPTS = 8;

type Generated = ColumnDescriptor & { readonly generate: GeneratedValue };
/** Draws the random part of a code; tests pass a scripted one to force clashes. */
export type CodeSource = (length: number) => string;
/** The row's company (null for global tables) and its values by column. */
type Company = number | string | null;
type Values = Record<string, unknown>;

/** `length` characters of Crockford base32; 256 is a multiple of 32, so `b & 31` is unbiased. */
export function randomCode(length: number): string {
  let out = '';
  for (const b of randomBytes(length)) out += ALPHABET[b & 31];
  return out;
}

const cache = new WeakMap<ResourceDescriptor, readonly Generated[]>();

export function generatedColumns(d: ResourceDescriptor): readonly Generated[] {
  let hit = cache.get(d);
  if (!hit) {
    hit = d.columns.filter((c): c is Generated => c.generate !== undefined);
    cache.set(d, hit);
  }
  return hit;
}

/** `INV-{year}-` → `INV-2025-` (UTC, so every server agrees on the year boundary). */
export function expandPrefix(prefix: string, now = new Date()): string {
  return prefix.replaceAll('{year}', String(now.getUTCFullYear()));
}

async function freshCode(trx: Knex, table: string, c: Generated & { generate: { kind: 'code' } }, draw: CodeSource): Promise<string> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    const candidate = c.generate.prefix + draw(c.generate.length);
    // Every company and soft-deleted rows too: a public code must never point at two items.
    const taken = await trx(table).where(c.column, candidate).first(trx.raw('1 as taken'));
    if (!taken) return candidate;
  }
  throw new Error(`${table}.${c.column}: no free code after ${MAX_ATTEMPTS} attempts; increase generate.length`);
}

async function nextInSequence(
  trx: Knex,
  table: string,
  c: Generated & { generate: { kind: 'sequence' } },
  company: number | string | null,
): Promise<string> {
  const g = c.generate;
  const perCompany = g.per === 'company' && company !== null;
  const key = `loopgen:sequence:${table}.${c.column}:${perCompany ? company : '*'}`;
  await trx.raw('select pg_advisory_xact_lock(hashtextextended(?, 0))', [key]);
  const prefix = expandPrefix(g.prefix);
  const from = prefix.length + 1;
  const q = trx(table)
    // `::int` matters: `substring(x from <text>)` would be the regular-expression form.
    .whereRaw('left(??, ?::int) = ?', [c.column, prefix.length, prefix])
    .whereRaw("substring(?? from ?::int) ~ '^[0-9]{1,18}$'", [c.column, from])
    .first(trx.raw('max(substring(?? from ?::int)::bigint) as n', [c.column, from]));
  if (perCompany) q.where('company_id', company);
  const row = (await q) as { n: string | number | null } | undefined;
  const next = Number(row?.n ?? 0) + 1;
  return prefix + String(next).padStart(g.pad, '0');
}

async function generate(trx: Knex, table: string, c: Generated, company: number | string | null, draw: CodeSource): Promise<string> {
  switch (c.generate.kind) {
    case 'uuid':
      return randomUUID();
    case 'code':
      return freshCode(trx, table, c as Generated & { generate: { kind: 'code' } }, draw);
    case 'sequence':
      return nextInSequence(trx, table, c as Generated & { generate: { kind: 'sequence' } }, company);
  }
}

/**
 * Sets every generated column that `values` (column → value) leaves empty. Run it inside the insert's
 * transaction: sequence locks last until that transaction ends.
 */
export async function fillGenerated(trx: Knex, d: ResourceDescriptor, company: Company, values: Values, draw = randomCode): Promise<void> {
  for (const c of generatedColumns(d)) {
    if (values[c.column] === undefined || values[c.column] === null) values[c.column] = await generate(trx, d.table, c, company, draw);
  }
}

/** Columns named by a unique violation (`Key (company_id, code)=(…) already exists.`), or null for other errors. */
export function uniqueViolationColumns(e: unknown): string[] | null {
  const err = e as { code?: string; detail?: string } | null;
  if (!err || err.code !== '23505') return null;
  const m = /Key \(([^)]*)\)=/.exec(err.detail ?? '');
  return m ? m[1]!.split(',').map((s) => s.trim().replace(/^"|"$/g, '')) : [];
}

/**
 * Fills the generated columns and inserts the row, returning its id. With random columns (code, uuid)
 * the insert runs in a savepoint, so a unique violation on one of them (a concurrent create drew the
 * same value between the check and the insert) is retried with fresh values instead of failing the request.
 */
export async function insertWithGenerated(
  trx: Knex,
  d: ResourceDescriptor,
  company: Company,
  values: Values,
  draw = randomCode,
): Promise<number | string> {
  const mine = generatedColumns(d).filter((c) => values[c.column] === undefined || values[c.column] === null);
  await fillGenerated(trx, d, company, values, draw);
  const random = mine.filter((c) => c.generate.kind !== 'sequence');
  const insert = async (db: Knex) => ((await db(d.table).insert(values).returning('id'))[0] as { id: number | string }).id;
  if (!random.length) return insert(trx);
  for (let attempt = 1; ; attempt++) {
    try {
      return await trx.transaction((sp) => insert(sp));
    } catch (e) {
      const cols = uniqueViolationColumns(e);
      const clashed = random.filter((c) => cols?.includes(c.column));
      if (!clashed.length || attempt >= MAX_ATTEMPTS) throw e;
      for (const c of clashed) values[c.column] = await generate(trx, d.table, c, company, draw);
    }
  }
}
