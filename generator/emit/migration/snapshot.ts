/**
 * Builds the schema snapshot a service's IR implies (see snapshot-types.ts).
 * Conventions from docs/architecture.md, "Database": tenant tables carry company_id NOT NULL, their unique
 * constraints and hot indexes lead with company_id, and soft-delete uniques hold only among live rows.
 */
import type { FieldNode, ResourceNode, ServiceNode } from '../../ir/index.ts';
import { COLUMN_TYPES, idColumnType, primaryKeyType } from './column-types.ts';
import type { Snapshot, SnapshotCheck, SnapshotColumn, SnapshotIndex, SnapshotTable } from './snapshot-types.ts';
import { constraintName, quoteIdent, quoteLiteral, sqlDefault } from './sql-names.ts';

const COMPANY_COLUMN = 'company_id';
const COMPANIES_TABLE = 'companies';
const LIVE_ROWS = 'deleted_at IS NULL';
/** Implicit timestamps the database fills itself when the runtime does not. */
const NOW_COLUMNS = new Set(['created_at', 'updated_at']);
const LENGTH_TYPES = new Set(['string', 'text', 'email', 'url']);
const VALUE_TYPES = new Set(['integer', 'decimal']);

export function buildSnapshot(service: ServiceNode): Snapshot {
  const tableNames = new Set(service.resources.map((r) => r.table));
  const tables = service.resources.map((r) => buildTable(service, r, tableNames));
  return { version: 1, service: service.name, tables: tables.sort((a, b) => cmp(a.name, b.name)) };
}

function buildTable(service: ServiceNode, resource: ResourceNode, tableNames: ReadonlySet<string>): SnapshotTable {
  const columns = resource.fields.map((f) => buildColumn(service, resource, f, tableNames));
  const has = (name: string) => columns.some((c) => c.name === name);
  const tenant = has(COMPANY_COLUMN);
  const table = resource.table;
  const scoped = (col: string) => (tenant && col !== COMPANY_COLUMN ? [COMPANY_COLUMN, col] : [col]);

  const indexes = new Map<string, SnapshotIndex>();
  const addIndex = (cols: readonly string[]) => {
    const name = constraintName('ix', table, cols);
    indexes.set(name, { name, columns: cols, unique: false, where: null });
  };
  // The hot path of every tenant list: WHERE company_id = ? ORDER BY created_at.
  const hotColumns = has('created_at') ? [COMPANY_COLUMN, 'created_at'] : [COMPANY_COLUMN];
  const hotIndex = tenant ? constraintName('ix', table, hotColumns) : null;
  if (tenant) addIndex(hotColumns);
  for (const c of columns) {
    // FK columns get their own index so ON DELETE checks on the parent do not scan this table.
    if (c.references && c.name !== COMPANY_COLUMN) addIndex([c.name]);
  }
  for (const f of resource.fields) {
    if (f.column === 'id' || f.column === COMPANY_COLUMN) continue;
    // Implicit columns are filterable everywhere; indexing them all would tax every write.
    // The hot (company_id, created_at) index already serves the common case.
    if ((f.filter.length > 0 && !f.system) || f.index) addIndex(scoped(f.column));
  }

  const uniques = new Map<string, SnapshotIndex>();
  const addUnique = (cols: readonly string[]) => {
    const name = constraintName('ux', table, cols);
    uniques.set(name, { name, columns: cols, unique: true, where: resource.softDelete && has('deleted_at') ? LIVE_ROWS : null });
  };
  for (const f of resource.fields) {
    if (f.unique && f.column !== 'id') addUnique(scoped(f.column));
  }
  for (const group of resource.uniqueTogether) {
    const cols = group.map((name) => resource.fields.find((f) => f.name === name)?.column ?? name);
    addUnique(tenant && !cols.includes(COMPANY_COLUMN) ? [COMPANY_COLUMN, ...cols] : cols);
  }

  // A unique index on the same columns already serves lookups; a second plain index only costs writes.
  for (const u of uniques.values()) {
    for (const [name, ix] of indexes) if (ix.columns.join(',') === u.columns.join(',')) indexes.delete(name);
  }
  const listIndex = tenant ? defaultListIndex(resource, table, has('deleted_at') && resource.softDelete, [...uniques.values()]) : null;
  if (listIndex) {
    // An index that is a leading part of the list index (same rows, or the implicit hot list index, whose
    // only purpose was this page) serves nothing the list index does not: keeping it would tax every write.
    const prefixOf = (ix: SnapshotIndex) => listIndex.columns.slice(0, ix.columns.length).join(',') === ix.columns.join(',');
    for (const [name, ix] of indexes) if (prefixOf(ix) && (ix.where === listIndex.where || name === hotIndex)) indexes.delete(name);
    indexes.set(listIndex.name, listIndex);
  }

  const checks: SnapshotCheck[] = [];
  for (const f of resource.fields) {
    const col = columns.find((c) => c.name === f.column)!;
    const check = buildCheck(table, f, col);
    if (check) checks.push(check);
  }

  return {
    name: table,
    columns,
    indexes: sortByName([...indexes.values()]),
    uniques: sortByName([...uniques.values()]),
    checks: sortByName(checks),
    ...(resource.sql?.length
      ? { sql: sortByName(resource.sql.map(({ name, up, down }) => ({ name, up: [...up], down: [...down] }))) }
      : {}),
  };
}

/**
 * The default list page of a tenant table (runtime/crud/statements.ts): `WHERE company_id = $1 AND
 * deleted_at IS NULL ORDER BY <catalogue ordering>, id LIMIT n` and its count. An index on the live rows
 * leading with the tenant and the ordering, ending with the id tie-breaker, serves both without a sort or
 * a scan of other tenants' rows (docs/performance.md: ordering by id went from a 7,500-row primary-key
 * walk, 9.5 ms, to 0.5 ms). Left out when a unique index on the live rows already is that ordering.
 */
function defaultListIndex(
  resource: ResourceNode,
  table: string,
  softDelete: boolean,
  uniques: readonly SnapshotIndex[],
): SnapshotIndex | null {
  const where = softDelete ? LIVE_ROWS : null;
  const order: string[] = [];
  for (const term of resource.ordering) {
    const name = term.replace(/^-/, '');
    const column = resource.fields.find((f) => f.name === name)?.column ?? name;
    if (column === 'id') break;
    if (column !== COMPANY_COLUMN && !order.includes(column)) order.push(column);
  }
  const leading = [COMPANY_COLUMN, ...order].join(',');
  if (order.length && uniques.some((u) => u.where === where && u.columns.join(',') === leading)) return null;
  const columns = [COMPANY_COLUMN, ...order, 'id'];
  return { name: constraintName('lx', table, columns), columns, unique: false, where };
}

function buildColumn(service: ServiceNode, resource: ResourceNode, f: FieldNode, tableNames: ReadonlySet<string>): SnapshotColumn {
  const base = { name: f.column, ...(f.renamedFrom ? { renamedFrom: f.renamedFrom } : {}) };
  if (f.column === 'id' && f.system) {
    return { ...base, sqlType: primaryKeyType(resource), nullable: false, default: null, primary: true, references: null };
  }
  if (f.column === COMPANY_COLUMN) {
    // The tenant key: NOT NULL unless the catalogue says otherwise (a global table's own `company`,
    // or `tenant_optional` rows such as audit entries of logins); a FK to companies when the service has it.
    const companies = service.resources.find((r) => r.table === COMPANIES_TABLE);
    return {
      ...base,
      sqlType: idColumnType(service, f.ref?.resource ?? companies?.id ?? null),
      nullable: f.nullable,
      default: null,
      primary: false,
      references: tableNames.has(COMPANIES_TABLE)
        ? { table: COMPANIES_TABLE, column: 'id', onDelete: f.ref?.onDelete ?? 'restrict' }
        : null,
    };
  }
  const sqlType = COLUMN_TYPES[f.type](f, { service, resource });
  const dflt = sqlDefault(f.default, sqlType) ?? (f.system && NOW_COLUMNS.has(f.column) ? 'now()' : null);
  // NOT NULL only when every insert can satisfy it: required fields or fields with a default.
  const notNull = !f.nullable && (f.required || dflt !== null);
  const ref = f.ref && tableNames.has(f.ref.table) ? f.ref : undefined;
  return {
    ...base,
    sqlType,
    nullable: !notNull,
    default: dflt,
    primary: false,
    references: ref ? { table: ref.table, column: ref.column, onDelete: ref.onDelete } : null,
  };
}

function buildCheck(table: string, f: FieldNode, col: SnapshotColumn): SnapshotCheck | null {
  const name = constraintName('ck', table, [f.column]);
  const id = quoteIdent(f.column);
  if (f.type === 'enum' && f.enumValues && f.enumValues.length > 0) {
    const values = [...f.enumValues].sort(cmp);
    return { name, column: f.column, expression: `${id} IN (${values.map(quoteLiteral).join(', ')})`, values };
  }
  const measure = LENGTH_TYPES.has(f.type) ? 'length' : VALUE_TYPES.has(f.type) ? 'value' : null;
  if (!measure) return null;
  // varchar(n) already enforces the maximum length; only text columns need it as a check.
  const max = measure === 'length' && col.sqlType.startsWith('varchar') ? undefined : f.max;
  const min = f.min;
  if (min === undefined && max === undefined) return null;
  const subject = measure === 'length' ? `char_length(${id})` : id;
  const parts = [...(min !== undefined ? [`${subject} >= ${min}`] : []), ...(max !== undefined ? [`${subject} <= ${max}`] : [])];
  return {
    name,
    column: f.column,
    expression: parts.join(' AND '),
    measure,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
  };
}

/** snapshot.json text: sorted, LF, final newline; the diff-only `renamedFrom` hints are left out. */
export function serialiseSnapshot(snapshot: Snapshot): string {
  const plain = {
    ...snapshot,
    tables: snapshot.tables.map((t) => ({
      ...t,
      columns: t.columns.map(({ renamedFrom: _renamed, ...c }) => c),
    })),
  };
  return `${JSON.stringify(plain, null, 2)}\n`;
}

function sortByName<T extends { readonly name: string }>(items: T[]): T[] {
  return items.sort((a, b) => cmp(a.name, b.name));
}

/** Locale-independent comparison, so output does not depend on the machine's locale. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
