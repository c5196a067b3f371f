/**
 * The Citus variant of a service's schema (catalogue flag `citus: true` in service.yaml): one SQL script that
 * creates the current schema on a fresh Citus cluster, with the keys Citus needs and the distribution calls.
 * It is a fresh-install script built from the catalogue's snapshot, not a migration chain: the recorded
 * migrations stay the single-node history (they are append-only, so a flag must not rewrite them).
 * docs/citus.md explains the rules; classify-tables.ts holds them.
 */
import { posix } from 'node:path';
import type { ServiceNode } from '../../../ir/index.ts';
import { header, type GeneratedFile } from '../../generated-file.ts';
import { buildSnapshot } from '../snapshot.ts';
import type { OnDelete, SnapshotColumn, SnapshotIndex, SnapshotTable } from '../snapshot-types.ts';
import { constraintName, quoteIdent, quoteLiteral } from '../sql-names.ts';
import { DISTRIBUTION_COLUMN, distributionColumnOf, placementOf, planForeignKey, type Placement } from './classify-tables.ts';

export function citusSchemaPath(service: string): string {
  return `generated/${service}/citus/schema.sql`;
}

export function emitCitusSchema(service: ServiceNode): GeneratedFile {
  const snapshot = buildSnapshot(service);
  const byName = new Map(snapshot.tables.map((t) => [t.name, t]));
  const notes: string[] = [];
  const creates: string[] = [];
  const foreignKeys: string[] = [];
  const rawSql: string[] = [];

  for (const table of snapshot.tables) {
    creates.push(createTable(table, notes));
    for (const column of table.columns) {
      if (!column.references) continue;
      const plan = planForeignKey(table, column, byName.get(column.references.table));
      const name = constraintName('fk', table.name, [column.name]);
      if (plan.kind === 'drop') {
        notes.push(`${table.name}.${column.name}: foreign key not created — ${plan.reason}; the runtime's reference checks still apply.`);
        continue;
      }
      foreignKeys.push(
        `ALTER TABLE ${quoteIdent(table.name)} ADD CONSTRAINT ${quoteIdent(name)} FOREIGN KEY (${idents(plan.columns)}) ` +
          `REFERENCES ${quoteIdent(column.references.table)} (${idents(plan.refColumns)}) ${onDelete(column.references.onDelete, column.name, plan.columns)};`,
      );
    }
    for (const block of table.sql ?? []) {
      rawSql.push(`-- ${table.name}: ${block.name}`, ...block.up.map((s) => `${s.trimEnd()};`));
    }
  }

  const placed = (p: Placement) => snapshot.tables.filter((t) => placementOf(t) === p);
  const distributed = placed('distributed');
  // Every tenant table joins one co-location group (the first by name anchors it), so a tenant's rows of all
  // tables sit on the same node and joins on company_id stay local.
  const anchor = distributed[0]?.name;
  const distribute = [
    ...placed('reference').map((t) => `SELECT create_reference_table(${quoteLiteral(t.name)});`),
    ...distributed.map(
      (t) =>
        `SELECT create_distributed_table(${quoteLiteral(t.name)}, ${quoteLiteral(DISTRIBUTION_COLUMN)}` +
        (t.name === anchor ? ');' : `, colocate_with => ${quoteLiteral(anchor!)});`),
    ),
    ...placed('local').map((t) => `SELECT citus_add_local_table_to_metadata(${quoteLiteral(t.name)});`),
  ];

  const summary = [
    `Tables: ${snapshot.tables.length} — ${distributed.length} distributed by ${DISTRIBUTION_COLUMN}, ` +
      `${placed('reference').length} reference, ${placed('local').length} coordinator-local.`,
    'Needs PostgreSQL 15+ (ON DELETE SET NULL (column)) and Citus 11+. Apply to an empty database instead of the migrations.',
  ];
  const lines = [
    header(`${posix.dirname(service.sourceFile)}/`, '--').trimEnd(),
    `-- Citus variant of the ${service.name} schema (docs/citus.md).`,
    ...summary.map((s) => `-- ${s}`),
    ...(notes.length > 0 ? ['--', '-- Decisions:', ...notes.map((n) => `-- - ${n}`)] : []),
    '',
    'BEGIN;',
    '',
    '-- 1. Tables, with keys that include the distribution column.',
    ...creates,
    '-- 2. Placement.',
    ...distribute,
    '',
    '-- 3. Foreign keys Citus can enforce (after placement, so both sides are known to Citus).',
    ...foreignKeys,
    ...(rawSql.length > 0 ? ['', "-- 4. The catalogue's `sql:` blocks (triggers, functions), unchanged.", ...rawSql] : []),
    '',
    'COMMIT;',
    '',
  ];
  return { path: citusSchemaPath(service.name), contents: lines.join('\n') };
}

function createTable(table: SnapshotTable, notes: string[]): string {
  const dist = distributionColumnOf(table);
  const primary = table.columns.filter((c) => c.primary).map((c) => c.name);
  const key = dist && !primary.includes(dist) ? [dist, ...primary] : primary;
  const body = [
    ...table.columns.map(columnSql),
    ...(key.length > 0 ? [`PRIMARY KEY (${idents(key)})`] : []),
    ...table.checks.map((c) => `CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression})`),
  ];
  const out = [`CREATE TABLE ${quoteIdent(table.name)} (`, body.map((l) => `  ${l}`).join(',\n'), ');'];
  for (const index of [...table.uniques, ...table.indexes]) out.push(indexSql(table, index, dist, notes));
  return `${out.join('\n')}\n`;
}

function columnSql(c: SnapshotColumn): string {
  const type = c.primary && c.sqlType === 'bigserial' ? 'bigserial' : c.sqlType;
  return `${quoteIdent(c.name)} ${type}${c.nullable || c.primary ? '' : ' NOT NULL'}${c.default !== null ? ` DEFAULT ${c.default}` : ''}`;
}

/** A unique index must contain the distribution column; one that did not was unique across tenants and now holds per tenant. */
function indexSql(table: SnapshotTable, index: SnapshotIndex, dist: string | null, notes: string[]): string {
  let columns = index.columns;
  if (index.unique && dist && !columns.includes(dist)) {
    columns = [dist, ...columns];
    notes.push(`${table.name} (${index.columns.join(', ')}): unique per tenant on Citus, not across tenants.`);
  }
  const where = index.where ? ` WHERE ${index.where}` : '';
  return `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON ${quoteIdent(table.name)} (${idents(columns)})${where};`;
}

/** SET NULL on a composite key must not null the tenant column too: PostgreSQL 15 names the columns to clear. */
function onDelete(action: OnDelete, column: string, columns: readonly string[]): string {
  if (action === 'cascade') return 'ON DELETE CASCADE';
  if (action === 'set_null') return columns.length > 1 ? `ON DELETE SET NULL (${quoteIdent(column)})` : 'ON DELETE SET NULL';
  return 'ON DELETE RESTRICT';
}

function idents(names: readonly string[]): string {
  return names.map(quoteIdent).join(', ');
}
