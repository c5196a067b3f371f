/**
 * The last line of defence (runtime/http/database-errors.ts) against real database errors: each
 * SQLSTATE class 22/23/54 error PostgreSQL raises for bad input becomes a 400/409 naming the field,
 * in every style's body, with none of the driver's words (SQL, table, constraint or type names).
 * Run on PostgreSQL when DATABASE_URL is set and always on embedded PGlite, whose messages differ.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../runtime/db/open-database.ts';
import { errorBody } from '../../runtime/http/render-error.ts';
import { toApiError } from '../../runtime/http/to-api-error.ts';
import { WIRE_STYLES } from '../../runtime/http/wire-style.ts';
import type { ServiceStyle } from '../../runtime/descriptor.ts';
import { openTestDatabase } from '../helpers/test-service.ts';

const STYLES: readonly ServiceStyle[] = ['drf', 'roomloop', 'platform'];
const NUL = 'Null characters are not allowed.';
/** Refs are named without `_id` on the wire, as the row codec does (runtime/crud/row-codec.ts). */
const wireName = (c: string) => (c.endsWith('_id') ? c.slice(0, -3) : c);

const SCHEMA = `
  create type hz_mood as enum ('ok', 'bad');
  create table hz_parent (id serial primary key);
  create table hz_things (
    id serial primary key,
    name varchar(5) not null default 'x',
    code varchar(10) constraint hz_things_code_unique unique,
    qty integer,
    price numeric(5, 2),
    at timestamptz,
    day date,
    doc jsonb,
    mood hz_mood,
    parent_id integer constraint hz_things_parent_fk references hz_parent (id),
    score integer check (score >= 0),
    note text
  );
  create index hz_things_note_idx on hz_things (note);`;

interface Case {
  readonly title: string;
  readonly row: Record<string, unknown>;
  /** What the request sent, when it differs from the row (json columns receive JSON text). */
  readonly input?: Record<string, unknown>;
  readonly sqlstate: RegExp;
  readonly status?: number;
  readonly fields: Record<string, string[]>;
}

const CASES: readonly Case[] = [
  {
    title: 'string too long (22001)',
    row: { name: 'toolong' },
    sqlstate: /^22001$/,
    fields: { name: ['Ensure this field has no more than 5 characters.'] },
  },
  {
    title: 'integer out of range (22003)',
    row: { qty: 6529978667 },
    sqlstate: /^22003$/,
    fields: { qty: ['Ensure this value is less than or equal to 2147483647.'] },
  },
  {
    title: 'negative integer out of range (22003)',
    row: { qty: -6529978667 },
    sqlstate: /^22003$/,
    fields: { qty: ['Ensure this value is greater than or equal to -2147483648.'] },
  },
  {
    title: 'numeric overflow (22003)',
    row: { price: '12345.67' },
    sqlstate: /^22003$/,
    fields: { price: ['Ensure that there are no more than 3 digits before the decimal point.'] },
  },
  {
    title: 'offset beyond ±15:59 (22009)',
    row: { at: '2020-01-01T00:00:00+20:00' },
    sqlstate: /^22009$/,
    fields: { at: ['Enter a valid date/time: the time zone offset must lie within ±15:59.'] },
  },
  {
    title: 'no such day (22008)',
    row: { at: '2020-02-30T00:00:00Z' },
    sqlstate: /^22008$/,
    fields: { at: ['Enter a valid date/time within the supported range.'] },
  },
  {
    title: 'not a date-time (22007)',
    row: { at: 'garbage' },
    sqlstate: /^22007$/,
    fields: { at: ['Enter a valid date/time within the supported range.'] },
  },
  {
    title: 'not a date (22007)',
    row: { day: 'nope' },
    sqlstate: /^22007$/,
    fields: { day: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] },
  },
  { title: 'NUL in text (22021)', row: { name: 'a\u0000' }, sqlstate: /^22021$/, fields: { name: [NUL] } },
  {
    title: 'NUL in jsonb (22P05)',
    row: { doc: '{"k":"\\u0000"}' },
    input: { doc: { k: '\u0000' } },
    sqlstate: /^22P05$/,
    fields: { 'doc.k': [NUL] },
  },
  { title: 'not an enum value (22P02)', row: { mood: 'meh' }, sqlstate: /^22P02$/, fields: { mood: ['"meh" is not a valid choice.'] } },
  { title: 'not an integer (22P02)', row: { qty: 'abc' }, sqlstate: /^22P02$/, fields: { qty: ['A valid integer is required.'] } },
  // PostgreSQL echoes only a token of bad JSON, so the field cannot be found (requests send JSON columns as objects).
  { title: 'not JSON (22P02)', row: { doc: '{nope' }, sqlstate: /^22P02$/, fields: { non_field_errors: ['Value must be valid JSON.'] } },
  {
    title: 'missing reference (23503)',
    row: { parent_id: 99 },
    sqlstate: /^23503$/,
    fields: { parent: ['Invalid pk "99" - object does not exist.'] },
  },
  { title: 'not null (23502)', row: { name: null }, sqlstate: /^23502$/, fields: { name: ['This field is required.'] } },
  { title: 'check constraint (23514)', row: { score: -1 }, sqlstate: /^23514$/, fields: { score: ['Enter a valid value.'] } },
  {
    title: 'value too large for its index (54000)',
    row: { note: randomBytes(20_000).toString('base64') },
    sqlstate: /^54000$/,
    fields: { note: ['This value is too large to store.'] },
  },
];

/** Nothing of the driver's: statement, table, constraint, type names, SQLSTATE wording. */
function expectClean(body: unknown): void {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/hz_|insert into|values|\$\d|relation|constraint|violates|syntax|encoding|varying|numeric|jsonb|SQLSTATE/i);
}

function suite(label: string, open: () => Promise<{ db: Knex; close(): Promise<void> }>) {
  describe(label, () => {
    let db: Knex;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ db, close } = await open());
      for (const statement of SCHEMA.split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await db.raw(statement);
      await db('hz_parent').insert({ id: 1 });
      await db('hz_things').insert({ code: 'taken', parent_id: 1 });
    });
    afterAll(async () => close?.());

    async function refusal(row: Record<string, unknown>): Promise<unknown> {
      try {
        await db('hz_things').insert(row);
      } catch (e) {
        return e;
      }
      throw new Error(`insert ${JSON.stringify(row).slice(0, 80)} was accepted`);
    }

    for (const c of CASES) {
      it(c.title, async () => {
        const err = (await refusal(c.row)) as { code?: string };
        expect(err.code).toMatch(c.sqlstate);
        for (const style of STYLES) {
          const api = toApiError(err, WIRE_STYLES[style], wireName, { body: c.input ?? c.row })!;
          expect(api.status).toBe(c.status ?? 400);
          expect(api.fields).toEqual(c.fields);
          expectClean(errorBody(api, style, 'rid'));
        }
      });
    }

    it("a unique violation (23505) is DRF's field error, 409 elsewhere", async () => {
      const err = await refusal({ code: 'taken' });
      const drf = toApiError(err, WIRE_STYLES.drf, wireName)!;
      expect(errorBody(drf, 'drf', 'rid')).toEqual({ code: ['A record with this code already exists.'] });
      for (const style of ['roomloop', 'platform'] as const) {
        const api = toApiError(err, WIRE_STYLES[style], wireName)!;
        expect(api.status).toBe(409);
        expectClean(errorBody(api, style, 'rid'));
      }
    });

    it('deleting a referenced row (23503) is 409', async () => {
      let err: unknown;
      await db('hz_parent')
        .where({ id: 1 })
        .delete()
        .catch((e: unknown) => {
          err = e;
        });
      const api = toApiError(err, WIRE_STYLES.platform, wireName)!;
      expect(api.status).toBe(409);
      expect(errorBody(api, 'platform', 'rid')).toEqual({
        success: false,
        error: { code: 'DEPENDENCY_EXISTS', message: 'Cannot delete: dependent records exist.' },
        request_id: 'rid',
      });
    });

    it('a value found in the query names its parameter', async () => {
      let err: unknown;
      await db('hz_things')
        .where('at', '>=', '2020-01-01T00:00:00+20:00')
        .first()
        .catch((e: unknown) => {
          err = e;
        });
      const api = toApiError(err, WIRE_STYLES.drf, wireName, { query: { at__gte: '2020-01-01T00:00:00+20:00' } })!;
      expect(api.fields).toEqual({ at__gte: ['Enter a valid date/time: the time zone offset must lie within ±15:59.'] });
    });

    it('other database errors stay server errors', async () => {
      const err = await db.raw('select * from hz_missing').catch((e: unknown) => e);
      expect(toApiError(err, WIRE_STYLES.drf, wireName)).toBeNull();
    });
  });
}

if (process.env.DATABASE_URL) {
  suite('PostgreSQL', async () => {
    const { db, drop } = await openTestDatabase('roomloop');
    return { db, close: drop };
  });
}

suite('PGlite', async () => {
  // openDatabase falls back to DATABASE_URL; without it, an in-memory PGlite opens.
  const url = process.env.DATABASE_URL;
  delete process.env.DATABASE_URL;
  try {
    const db = await openDatabase({ service: 'hardening', dataDir: ':memory:' });
    return { db, close: () => closeDatabase(db) };
  } finally {
    if (url !== undefined) process.env.DATABASE_URL = url;
  }
});
