/**
 * Assertions shared by every generated conformance test. Failures always carry the request and the
 * response (describeReply), so a red test is a bug report the runtime owners can act on.
 */
import { expect } from 'vitest';
import type { Knex } from 'knex';
import type { FieldNode, ResourceNode } from '../../../generator/ir/index.ts';
import { type Actor, describeReply, type Query, type Reply } from './client.ts';

export function expectStatus(r: Reply, status: number): void {
  expect(r.status, describeReply(r)).toBe(status);
}

/** Same value once both sides are in wire form (decimals as numbers, instants as epoch ms). */
export function sameValue(f: FieldNode | undefined, sent: unknown, got: unknown): boolean {
  if (sent === null || sent === undefined) return got === null || got === undefined;
  if (got === null || got === undefined) return false;
  switch (f?.type) {
    case 'decimal':
      return Number(sent) === Number(got);
    case 'datetime':
      return Date.parse(String(sent)) === Date.parse(String(got));
    case 'time':
      return normaliseTime(sent) === normaliseTime(got);
    case 'json':
      return JSON.stringify(sortKeys(sent)) === JSON.stringify(sortKeys(got));
    case 'ref':
      return String(sent) === String(got);
    default:
      return sent === got;
  }
}

function normaliseTime(v: unknown): string {
  const s = String(v);
  return s.length === 5 ? `${s}:00` : s.slice(0, 8);
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, sortKeys(x)]),
    );
  return v;
}

/** Every field sent (and returned: write-only ones are not) comes back with the same value. */
export function expectEcho(r: ResourceNode, sent: Record<string, unknown>, reply: Reply): void {
  const byName = new Map(r.fields.map((f) => [f.name, f]));
  const wrong: string[] = [];
  for (const [name, value] of Object.entries(sent)) {
    const f = byName.get(name);
    if (f?.writeOnly) {
      if (reply.body && name in reply.body) wrong.push(`${name} is write-only but was returned`);
      continue;
    }
    // An uploaded file comes back as its stored key, not as what was sent.
    if (f?.type === 'file' && r.multipart.includes('create')) {
      if (typeof reply.body?.[name] !== 'string' || !reply.body[name]) wrong.push(`${name}: no stored file key`);
      continue;
    }
    if (!sameValue(f, value, reply.body?.[name]))
      wrong.push(`${name}: sent ${JSON.stringify(value)}, got ${JSON.stringify(reply.body?.[name])}`);
  }
  expect(wrong, describeReply(reply)).toEqual([]);
}

/** A DRF validation error: 400 with `{"field": ["message", …]}` for every named field. */
export function expectFieldErrors(reply: Reply, fields: readonly string[]): void {
  expectStatus(reply, 400);
  const missing = fields.filter((f) => {
    const msgs = reply.body?.[f];
    return !Array.isArray(msgs) || msgs.length === 0 || !msgs.every((m) => typeof m === 'string');
  });
  expect(missing, `fields without a DRF error list: ${describeReply(reply)}`).toEqual([]);
}

/** The DRF page envelope. */
export function expectPage(reply: Reply): void {
  expectStatus(reply, 200);
  expect(Object.keys(reply.body ?? {}).sort(), describeReply(reply)).toEqual(['count', 'next', 'previous', 'results']);
  expect(Array.isArray(reply.body.results)).toBe(true);
}

/** Every row of a list (following `next`, up to `maxPages` pages of 100). */
export async function listAll(
  actor: Actor,
  r: ResourceNode,
  query: Query = {},
  maxPages = 10,
): Promise<{ rows: Record<string, unknown>[]; first: Reply }> {
  const rows: Record<string, unknown>[] = [];
  let first: Reply | undefined;
  for (let page = 1; page <= maxPages; page++) {
    const reply = await actor.get(`${r.path}/`, { ...query, page, page_size: 100 });
    first ??= reply;
    if (reply.status !== 200) break;
    rows.push(...(reply.body.results ?? []));
    if (!reply.body.next) break;
  }
  return { rows, first: first! };
}

export const idsOf = (rows: readonly Record<string, unknown>[]) => rows.map((x) => String(x.id));

/**
 * -1, 0 or 1 as the database orders two wire values of a field (ascending, nulls last as PostgreSQL
 * does). Text is compared by the database itself, so its collation decides, not JavaScript's.
 */
export async function compareAsDb(db: Knex, f: FieldNode, a: unknown, b: unknown): Promise<number> {
  if (a === null || a === undefined || b === null || b === undefined) {
    const an = a === null || a === undefined;
    const bn = b === null || b === undefined;
    return an === bn ? 0 : an ? 1 : -1;
  }
  const sign = (x: number) => (x < 0 ? -1 : x > 0 ? 1 : 0);
  switch (f.type) {
    case 'integer':
    case 'decimal':
      return sign(Number(a) - Number(b));
    case 'ref':
      return typeof a === 'number' && typeof b === 'number' ? sign(a - b) : textCompare(db, a, b);
    case 'datetime':
    case 'date':
      return sign(Date.parse(String(a)) - Date.parse(String(b)));
    case 'boolean':
      return sign(Number(a) - Number(b));
    default:
      return textCompare(db, a, b);
  }
}

async function textCompare(db: Knex, a: unknown, b: unknown): Promise<number> {
  const [x, y] = [String(a), String(b)];
  const res = await db.raw('select case when ?::text < ?::text then -1 when ?::text > ?::text then 1 else 0 end as c', [x, y, x, y]);
  return Number((res.rows ?? res)[0].c);
}

/** The string form a query parameter carries for a wire value. */
export function queryValue(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
