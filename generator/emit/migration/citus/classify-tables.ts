/**
 * How each table of a snapshot distributes on Citus (docs/citus.md). The rules follow from the schema's
 * tenancy convention (every tenant table carries `company_id`):
 * - `distributed`: `company_id NOT NULL`, distributed by `company_id`; its primary key and unique indexes must
 *   include `company_id`, and so must foreign keys to other distributed tables;
 * - `local`: `company_id` nullable (rows outside any tenant, e.g. audit rows of a superuser). Citus cannot store NULL
 *   in a distribution column, so these stay on the coordinator (`citus_add_local_table_to_metadata`);
 * - `reference`: no `company_id` (users, plans, permissions): copied to every node, so any table may reference them.
 *   The tenant table (`companies`) is one too: it is small (a row per tenant), its `code` and `slug` must stay unique
 *   across tenants (a distributed table can only enforce uniqueness within one tenant), and every tenant table's
 *   `company_id → companies.id` key then holds on every node.
 */
import type { SnapshotColumn, SnapshotTable } from '../snapshot-types.ts';

export const DISTRIBUTION_COLUMN = 'company_id';

export type Placement = 'distributed' | 'local' | 'reference';

export function placementOf(table: SnapshotTable): Placement {
  const column = table.columns.find((c) => c.name === DISTRIBUTION_COLUMN);
  if (!column) return 'reference';
  return column.nullable ? 'local' : 'distributed';
}

/** The column rows of `table` are placed by, or null for reference and local tables. */
export function distributionColumnOf(table: SnapshotTable): string | null {
  return placementOf(table) === 'distributed' ? DISTRIBUTION_COLUMN : null;
}

/** What Citus makes of one foreign key, and why. */
export type ForeignKeyPlan =
  | { readonly kind: 'keep'; readonly columns: readonly string[]; readonly refColumns: readonly string[] }
  | { readonly kind: 'drop'; readonly reason: string };

/**
 * Citus enforces a foreign key when the parent is a reference table, or when both tables are co-located and the key
 * includes the distribution column on both sides. Anything else would need a cross-node check, which Citus refuses.
 */
export function planForeignKey(child: SnapshotTable, column: SnapshotColumn, parent: SnapshotTable | undefined): ForeignKeyPlan {
  const ref = column.references!;
  if (!parent) return { kind: 'drop', reason: `references ${ref.table}, which is not in this service` };
  const from = placementOf(child);
  const to = placementOf(parent);
  if (to === 'reference') return { kind: 'keep', columns: [column.name], refColumns: [ref.column] };
  if (from === 'reference') return { kind: 'drop', reason: `a reference table cannot reference the ${to} table ${parent.name}` };
  if (from === 'local') return { kind: 'drop', reason: `a coordinator-local table cannot reference the ${to} table ${parent.name}` };
  if (to === 'local') return { kind: 'drop', reason: `${parent.name} stays on the coordinator` };
  // distributed → distributed: the same tenant on both sides.
  return { kind: 'keep', columns: [DISTRIBUTION_COLUMN, column.name], refColumns: [DISTRIBUTION_COLUMN, ref.column] };
}
