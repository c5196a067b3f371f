/**
 * What `POST /v1/sql` can read: one view per exposed table, in the schema `<service schema>_sql`
 * (the only schema the reader role may use), each a `security_invoker` view over base columns the
 * reader is granted one by one, with row-level security on the base table pinning the tenant.
 *
 * The seed (docs/api/platform-api.txt, "SQL") runs the query "against tenant D1 shards": a tenant's
 * shard holds its object data, so that is what is exposed — object types, their properties, live
 * objects, object versions and associations. Nothing else is reachable: keys, users, sessions,
 * secrets, settings and every other pf_records kind have no view and no grant. Adding a table is one
 * entry here (and a new SETUP_VERSION in reader-setup.ts).
 */
import { T } from '../tables.ts';

/** The NOLOGIN role every tenant query runs as (`SET LOCAL ROLE`); cluster-wide, shared by services. */
export const READER_ROLE = 'loopgen_sql_reader';
/** Transaction-local setting the policies read; only the server can set it (set_config is revoked from PUBLIC). */
export const TENANT_SETTING = 'loopgen.tenant';

export interface ReaderView {
  /** View name users write in their SQL. */
  readonly name: string;
  readonly table: string;
  /** `view column → base expression` (a bare column name or an expression over base columns). */
  readonly columns: Readonly<Record<string, string>>;
  /** Base columns the reader is granted (every column the view reads, and nothing else). */
  readonly grants: readonly string[];
  /** Convenience filter of the view (not a security boundary; see `policy`). */
  readonly where?: string;
  /** Extra condition of the base table's restrictive policy, ANDed with the tenant pin. */
  readonly policy?: string;
}

const stamps = ['created_at', 'updated_at', 'created_by'] as const;
const same = (cols: readonly string[]) => Object.fromEntries(cols.map((c) => [c, c]));

export const READER_VIEWS: readonly ReaderView[] = [
  {
    name: 'object_types',
    table: T.objectTypes,
    columns: same(['id', 'name', 'display_name', ...stamps]),
    grants: ['id', 'name', 'display_name', ...stamps],
  },
  {
    name: 'properties',
    table: T.properties,
    columns: same([
      'id',
      'object_type_id',
      'name',
      'data_type',
      'description',
      'is_required',
      'is_unique',
      'is_indexed',
      'is_sortable',
      'default_value',
      'enum_values',
      ...stamps,
    ]),
    grants: [
      'id',
      'object_type_id',
      'name',
      'data_type',
      'description',
      'is_required',
      'is_unique',
      'is_indexed',
      'is_sortable',
      'default_value',
      'enum_values',
      ...stamps,
    ],
  },
  {
    // Live objects only, as GET /v1/objects lists them; the trash stays an API matter.
    name: 'objects',
    table: T.objects,
    columns: same(['id', 'object_type_id', 'properties', 'version', ...stamps]),
    grants: ['id', 'object_type_id', 'properties', 'version', 'deleted_at', ...stamps],
    where: 'deleted_at IS NULL',
  },
  {
    name: 'object_versions',
    table: T.objectVersions,
    columns: same(['id', 'object_id', 'version', 'properties', ...stamps]),
    grants: ['id', 'object_id', 'version', 'properties', ...stamps],
  },
  {
    // Associations are pf_records rows of kind `associations` (runtime/platform/objects/associations.ts);
    // the policy, not the view, keeps every other kind (MFA factors, webhook secrets, …) out of reach.
    name: 'associations',
    table: T.records,
    columns: {
      id: 'id',
      from_type: "data->>'from_type'",
      from_id: "data->>'from_id'",
      association_type: "data->>'association_type'",
      to_type: "data->>'to_type'",
      to_id: "data->>'to_id'",
      meta: "data->'meta'",
      created_at: 'created_at',
      updated_at: 'updated_at',
      created_by: 'created_by',
    },
    grants: ['id', 'kind', 'data', ...stamps],
    where: "kind = 'associations'",
    policy: "kind = 'associations'",
  },
];
