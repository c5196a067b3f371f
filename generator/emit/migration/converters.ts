/**
 * One small converter per statement kind → Knex schema-builder code (or `knex.raw` SQL where the
 * builder has no verb, e.g. ALTER COLUMN … TYPE/DEFAULT). Keyed by StatementKind so a new kind
 * without a converter does not compile.
 */
import type { MigrationStatement, StatementKind } from './statements.ts';
import type { SnapshotColumn, SnapshotIndex } from './snapshot-types.ts';
import { constraintName, quoteIdent, tsString } from './sql-names.ts';

/** Either lines inside `knex.schema.alterTable(table, (t) => { … })` or standalone statements. */
export type ConvertedStatement = { readonly alterTable: string; readonly lines: readonly string[] } | { readonly code: readonly string[] };

type Converter<K extends StatementKind> = (s: Extract<MigrationStatement, { kind: K }>) => ConvertedStatement;

const ON_DELETE = { restrict: 'RESTRICT', cascade: 'CASCADE', set_null: 'SET NULL' } as const;

export const CONVERTERS: { [K in StatementKind]: Converter<K> } = {
  create_table: (s) => ({
    code: [
      `await knex.schema.createTable(${tsString(s.table.name)}, (t) => {`,
      ...s.table.columns.map((c) => `  ${columnBuilder(c)};`),
      '});',
    ],
  }),
  drop_table: (s) => ({ code: [`await knex.schema.dropTable(${tsString(s.table.name)});`] }),
  add_column: (s) => ({ alterTable: s.table, lines: [`${columnBuilder(s.column)};`] }),
  drop_column: (s) => ({ alterTable: s.table, lines: [`t.dropColumn(${tsString(s.column.name)});`] }),
  rename_column: (s) => ({ alterTable: s.table, lines: [`t.renameColumn(${tsString(s.from)}, ${tsString(s.to)});`] }),
  // Knex's `.alter()` would also reset nullability and default; plain SQL changes only the type.
  alter_column_type: (s) =>
    raw(`ALTER TABLE ${quoteIdent(s.table)} ALTER COLUMN ${quoteIdent(s.column)} TYPE ${s.to} USING ${quoteIdent(s.column)}::${s.to}`),
  // Knex names these by the nullability they remove: dropNullable = SET NOT NULL.
  set_not_null: (s) => ({ alterTable: s.table, lines: [`t.dropNullable(${tsString(s.column)});`] }),
  drop_not_null: (s) => ({ alterTable: s.table, lines: [`t.setNullable(${tsString(s.column)});`] }),
  set_default: (s) => raw(`ALTER TABLE ${quoteIdent(s.table)} ALTER COLUMN ${quoteIdent(s.column)} SET DEFAULT ${s.default}`),
  drop_default: (s) => raw(`ALTER TABLE ${quoteIdent(s.table)} ALTER COLUMN ${quoteIdent(s.column)} DROP DEFAULT`),
  create_index: (s) => ({ alterTable: s.table, lines: [indexBuilder(s.index)] }),
  drop_index: (s) => ({ alterTable: s.table, lines: [`t.dropIndex(${tsArray(s.index.columns)}, ${tsString(s.index.name)});`] }),
  add_foreign_key: (s) => ({
    alterTable: s.table,
    lines: [
      `t.foreign(${tsString(s.column)}, ${tsString(fkName(s.table, s.column))})` +
        `.references(${tsString(s.references.column)}).inTable(${tsString(s.references.table)})` +
        `.onDelete(${tsString(ON_DELETE[s.references.onDelete])});`,
    ],
  }),
  drop_foreign_key: (s) => ({
    alterTable: s.table,
    lines: [`t.dropForeign(${tsString(s.column)}, ${tsString(fkName(s.table, s.column))});`],
  }),
  add_check: (s) => ({ alterTable: s.table, lines: [`t.check(${tsString(s.check.expression)}, [], ${tsString(s.check.name)});`] }),
  drop_check: (s) => ({ alterTable: s.table, lines: [`t.dropChecks([${tsString(s.check.name)}]);`] }),
  // One knex.raw per statement: the embedded PGlite client runs one statement per query.
  run_sql: (s) => ({ code: s.sql.up.map(rawCall) }),
  revert_sql: (s) => ({ code: s.sql.down.map(rawCall) }),
};

export function convertStatement(s: MigrationStatement): ConvertedStatement {
  return (CONVERTERS[s.kind] as Converter<typeof s.kind>)(s as never);
}

/**
 * Code for a list of statements; consecutive changes to one table share an alterTable call,
 * so a migration reads as "what happened to each table".
 */
export function renderStatements(statements: readonly MigrationStatement[]): string[] {
  const out: string[] = [];
  const groups: { table: string | null; code: string[] }[] = [];
  for (const s of statements) {
    const c = convertStatement(s);
    const last = groups[groups.length - 1];
    if ('alterTable' in c && last && last.table === c.alterTable) last.code.push(...c.lines);
    else if ('alterTable' in c) groups.push({ table: c.alterTable, code: [...c.lines] });
    else groups.push({ table: null, code: [...c.code] });
  }
  for (const g of groups) {
    if (g.table === null) out.push(...g.code);
    else out.push(`await knex.schema.alterTable(${tsString(g.table)}, (t) => {`, ...g.code.map((l) => `  ${l}`), '});');
  }
  return out;
}

/** Must match the names the diff compares, so a later drop finds the constraint. */
function fkName(table: string, column: string): string {
  return constraintName('fk', table, [column]);
}

function raw(sql: string): ConvertedStatement {
  return { code: [rawCall(sql)] };
}

function rawCall(sql: string): string {
  // `?` is a binding placeholder to Knex; escape it so literal question marks survive.
  return `await knex.raw(${tsString(sql.replace(/\?/g, '\\?'))});`;
}

function tsArray(items: readonly string[]): string {
  return `[${items.map(tsString).join(', ')}]`;
}

/** Knex builder for a column, e.g. `t.string('name', 200).notNullable()`. */
export function columnBuilder(c: SnapshotColumn): string {
  const name = tsString(c.name);
  if (c.primary && c.sqlType === 'bigserial') return `t.bigIncrements(${name})`;
  let call = `t.${typeCall(c.sqlType, name)}`;
  if (c.primary) call += '.primary()';
  else if (!c.nullable) call += '.notNullable()';
  if (c.default !== null) call += `.defaultTo(${defaultValue(c.default)})`;
  return call;
}

function typeCall(sqlType: string, name: string): string {
  const m = /^(varchar|numeric)\((\d+)(?:,(\d+))?\)$/.exec(sqlType);
  if (m?.[1] === 'varchar') return `string(${name}, ${m[2]})`;
  if (m?.[1] === 'numeric') return `decimal(${name}, ${m[2]}, ${m[3] ?? 0})`;
  const simple: Record<string, string> = {
    text: 'text',
    integer: 'integer',
    bigint: 'bigInteger',
    boolean: 'boolean',
    date: 'date',
    time: 'time',
    uuid: 'uuid',
    jsonb: 'jsonb',
    bigserial: 'bigIncrements',
  };
  if (simple[sqlType]) return `${simple[sqlType]}(${name})`;
  if (sqlType === 'timestamptz') return `timestamp(${name}, { useTz: true })`;
  return `specificType(${name}, ${tsString(sqlType)})`;
}

/** Plain literals stay literals (`.defaultTo('pending')`); expressions go through knex.raw. */
function defaultValue(sql: string): string {
  const str = /^'((?:[^']|'')*)'$/.exec(sql);
  if (str) return tsString(str[1]!.replace(/''/g, "'"));
  if (/^-?\d+(\.\d+)?$/.test(sql) || sql === 'true' || sql === 'false') return sql;
  return `knex.raw(${tsString(sql.replace(/\?/g, '\\?'))})`;
}

function indexBuilder(index: SnapshotIndex): string {
  const opts: string[] = [];
  if (index.unique) opts.push(`indexType: 'unique'`);
  if (index.where) opts.push(`predicate: knex.whereRaw(${tsString(index.where)})`);
  const tail = opts.length > 0 ? `, { ${opts.join(', ')} }` : '';
  return `t.index(${tsArray(index.columns)}, ${tsString(index.name)}${tail});`;
}
