/**
 * Converters: the Knex code each statement becomes, and the SQL that code compiles to
 * (compiled by Knex's real PostgreSQL dialect, without a connection).
 */
import knexFactory, { type Knex } from 'knex';
import { describe, expect, it } from 'vitest';
import { renderStatements, type MigrationStatement } from '../../generator/emit/migration/index.ts';

/** Runs generated migration code against a Knex whose schema/raw calls record SQL instead of executing. */
async function compile(code: readonly string[]): Promise<string[]> {
  const pg = knexFactory({ client: 'pg' });
  const sql: string[] = [];
  const record = (b: { toString(): string }) => {
    sql.push(...b.toString().split(';\n'));
    return Promise.resolve();
  };
  const knex = {
    schema: new Proxy(
      {},
      {
        get:
          (_t, verb: string) =>
          (...args: unknown[]) =>
            record((pg.schema as any)[verb](...args)),
      },
    ),
    raw: (s: string, b?: readonly unknown[]) => (b ? pg.raw(s, b as Knex.RawBinding[]) : pg.raw(s)),
    whereRaw: (s: string) => pg.whereRaw(s),
  };
  // Top-level `await knex.raw(…)` statements are recorded; a raw inside a builder stays a value.
  const body = code.join('\n').replace(/^(\s*)await knex\.raw\((.*)\);$/gm, '$1await record(knex.raw($2));');
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  await new AsyncFunction('knex', 'record', body)(knex, record);
  await pg.destroy();
  return sql;
}

const col = { nullable: true, default: null, primary: false, references: null } as const;

const cases: { name: string; statements: MigrationStatement[]; code: string[]; sql: string[] }[] = [
  {
    name: 'create_table',
    statements: [
      {
        kind: 'create_table',
        table: {
          name: 'rooms',
          indexes: [],
          uniques: [],
          checks: [],
          columns: [
            { ...col, name: 'id', sqlType: 'text', nullable: false, primary: true },
            { ...col, name: 'name', sqlType: 'varchar(100)', nullable: false },
            { ...col, name: 'rate', sqlType: 'numeric(12,2)', default: "'0.00'" },
            { ...col, name: 'created_at', sqlType: 'timestamptz', nullable: false, default: 'now()' },
          ],
        },
      },
    ],
    code: [
      "await knex.schema.createTable('rooms', (t) => {",
      "  t.text('id').primary();",
      "  t.string('name', 100).notNullable();",
      "  t.decimal('rate', 12, 2).defaultTo('0.00');",
      "  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.raw('now()'));",
      '});',
    ],
    sql: [
      'create table "rooms" ("id" text, "name" varchar(100) not null, "rate" decimal(12, 2) default \'0.00\', "created_at" timestamptz not null default now(), constraint "rooms_pkey" primary key ("id"))',
    ],
  },
  {
    name: 'add_column + partial unique index',
    statements: [
      { kind: 'add_column', table: 'booking_services', column: { ...col, name: 'color', sqlType: 'varchar(7)' } },
      {
        kind: 'create_index',
        table: 'booking_services',
        index: {
          name: 'ux_booking_services_company_id_color',
          columns: ['company_id', 'color'],
          unique: true,
          where: 'deleted_at IS NULL',
        },
      },
    ],
    code: [
      "await knex.schema.alterTable('booking_services', (t) => {",
      "  t.string('color', 7);",
      "  t.index(['company_id', 'color'], 'ux_booking_services_company_id_color', { indexType: 'unique', predicate: knex.whereRaw('deleted_at IS NULL') });",
      '});',
    ],
    sql: [
      'alter table "booking_services" add column "color" varchar(7)',
      'create unique index "ux_booking_services_company_id_color" on "booking_services" ("company_id", "color") where deleted_at IS NULL',
    ],
  },
  {
    name: 'alter_column_type and defaults use plain SQL',
    statements: [
      { kind: 'alter_column_type', table: 'svc', column: 'name', from: 'varchar(200)', to: 'text' },
      { kind: 'set_default', table: 'svc', column: 'note', default: "'why?'", previous: null },
    ],
    code: [
      `await knex.raw('ALTER TABLE "svc" ALTER COLUMN "name" TYPE text USING "name"::text');`,
      `await knex.raw('ALTER TABLE "svc" ALTER COLUMN "note" SET DEFAULT \\'why\\\\?\\'');`,
    ],
    sql: [
      'ALTER TABLE "svc" ALTER COLUMN "name" TYPE text USING "name"::text',
      // Knex unescapes `\\?`: the literal question mark reaches PostgreSQL intact.
      `ALTER TABLE "svc" ALTER COLUMN "note" SET DEFAULT 'why?'`,
    ],
  },
  {
    name: 'rename, not null, FK and check',
    statements: [
      { kind: 'rename_column', table: 'staff', from: 'display_name', to: 'full_name' },
      { kind: 'set_not_null', table: 'staff', column: 'full_name' },
      {
        kind: 'add_foreign_key',
        table: 'staff',
        column: 'membership_id',
        references: { table: 'memberships', column: 'id', onDelete: 'set_null' },
      },
      {
        kind: 'add_check',
        table: 'staff',
        check: { name: 'ck_staff_role', column: 'role', expression: `"role" IN ('a', 'b')`, values: ['a', 'b'] },
      },
      { kind: 'drop_column', table: 'staff', column: { ...col, name: 'hired_on', sqlType: 'date' } },
    ],
    code: [
      "await knex.schema.alterTable('staff', (t) => {",
      "  t.renameColumn('display_name', 'full_name');",
      "  t.dropNullable('full_name');",
      "  t.foreign('membership_id', 'fk_staff_membership_id').references('id').inTable('memberships').onDelete('SET NULL');",
      `  t.check('"role" IN (\\'a\\', \\'b\\')', [], 'ck_staff_role');`,
      "  t.dropColumn('hired_on');",
      '});',
    ],
    sql: [
      'alter table "staff" rename "display_name" to "full_name"',
      'alter table "staff" alter column "full_name" set not null',
      'alter table "staff" add constraint "fk_staff_membership_id" foreign key ("membership_id") references "memberships" ("id") on delete SET NULL',
      `alter table "staff" add constraint ck_staff_role check("role" IN ('a', 'b'))`,
      'alter table "staff" drop column "hired_on"',
    ],
  },
];

describe('converters', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const code = renderStatements(c.statements);
      expect(code).toEqual(c.code);
      expect(await compile(code)).toEqual(c.sql);
    });
  }
});
