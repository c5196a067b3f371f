import type { ActionNode } from './action-node.ts';
import type { FieldNode } from './field-node.ts';
import type { RawSqlNode } from './raw-sql-node.ts';
import type { SourceLocation } from './source-location.ts';

export type Scope = 'company' | 'workspace' | 'global';
export type IdStyle = 'serial' | 'prefixed';
/** `public`: anyone; `authenticated`: any signed-in caller; `permission`: the `view` code in the tenant. */
export type ReadAccess = 'public' | 'authenticated' | 'permission';
/** `superuser`: platform operators only; `permission`: the add/change/delete code in the tenant. */
export type WriteAccess = 'superuser' | 'permission';

/**
 * Body of a list answer: `page` is the service style's page envelope; `array` the rows alone;
 * `{ named }` the rows under that key beside `total` (`{users: [...], total}`).
 */
export type ListShape = 'page' | 'array' | { readonly named: string };

/** Create may also be open to any signed-in caller (a tenant root whose handler makes the caller its owner). */
export type CreateAccess = 'authenticated' | WriteAccess;

export interface ResourceAccess {
  readonly read: ReadAccess;
  readonly write: WriteAccess;
  /** Overrides `write` for create (absent: `write`; a tenant root's create is superuser-only). */
  readonly create?: CreateAccess;
  /** Overrides `write` for delete and restore. */
  readonly delete?: WriteAccess;
}

/** The access that guards a write operation: the per-operation override, else `write`. */
export function writeAccessOf(r: Pick<ResourceNode, 'access' | 'tenantRoot'>, op: 'add' | 'change' | 'delete'): CreateAccess {
  if (op === 'add') return r.access.create ?? (r.tenantRoot ? 'superuser' : r.access.write);
  if (op === 'delete') return r.access.delete ?? r.access.write;
  return r.access.write;
}

/** The CRUD operations a resource may expose. */
export const CRUD_OPERATIONS = ['list', 'create', 'retrieve', 'update', 'partial_update', 'delete', 'restore'] as const;
export type CrudOperation = (typeof CRUD_OPERATIONS)[number];

export interface ResourceNode {
  readonly kind: 'resource';
  /** Qualified id `<service>.<module>.<resource>` (core resources use module `core`). */
  readonly id: string;
  readonly service: string;
  readonly module: string;
  /** Catalogue key, kebab-case, e.g. `services`, `invoice-items`. */
  readonly name: string;
  /** Model name, PascalCase singular, e.g. `Service`. */
  readonly model: string;
  /** Unique type name within the service, e.g. `BookingService`; schema names in OpenAPI and SDK. */
  readonly typeName: string;
  /** Path relative to the service base, without slashes at either end, e.g. `booking/services`. */
  readonly path: string;
  readonly table: string;
  readonly scope: Scope;
  readonly idStyle: IdStyle;
  /** For prefixed ids: `res` gives `res_8f3e21…`. */
  readonly idPrefix?: string;
  /** Product that gates access (a company must subscribe), null for core resources. */
  readonly product: string | null;
  /** All columns in a stable order: system columns first, then declared fields. */
  readonly fields: readonly FieldNode[];
  readonly operations: readonly CrudOperation[];
  /** Body of the list answer (catalogue `list_shape:`, default `page`). */
  readonly listShape: ListShape;
  /**
   * Body of the generic delete (catalogue `delete_answer:`): `{<idKey>: id, deleted: true}`, or
   * `{deleted: true}` when idKey is null; null where the answer is 204 or a named handler answers.
   */
  readonly deleteAnswer: { readonly idKey: string | null } | null;
  /** Soft delete (deleted_at) — DELETE hides rows instead of removing them. */
  readonly softDelete: boolean;
  /** Default ordering, e.g. `['name', '-created_at']`. */
  readonly ordering: readonly string[];
  /** Composite unique constraints by field name (company_id is prepended for tenant tables). */
  readonly uniqueTogether: readonly (readonly string[])[];
  /**
   * Who may read and write. Defaults: company/workspace scope → permission/permission; global scope in a
   * service with a tenant header → authenticated/superuser (shared catalogue data); global scope in a
   * service without tenancy → permission/permission (its auth provider decides).
   */
  readonly access: ResourceAccess;
  /** The resource is the tenant itself (companies): non-superusers see the rows they are members of. */
  readonly tenantRoot: boolean;
  /** Tenant resource whose company column is nullable (audit rows of logins); the API lists the tenant's rows only. */
  readonly tenantOptional: boolean;
  /** CRUD operations answered by a named runtime handler instead of the generic one. */
  readonly handlers: Readonly<Partial<Record<CrudOperation, string>>>;
  /** Operations that also accept multipart/form-data (always handler operations). */
  readonly multipart: readonly CrudOperation[];
  readonly permissions: { readonly view: string; readonly add: string; readonly change: string; readonly delete: string };
  readonly actions: readonly ActionNode[];
  /** Catalogue records loaded into an empty database (provisioned data such as RoomLoop facilities). */
  readonly seed: readonly Readonly<Record<string, unknown>>[];
  /** Sample records loaded only by `serve --demo`. */
  readonly demo: readonly Readonly<Record<string, unknown>>[];
  /** Raw SQL blocks (catalogue `sql:`), sorted by name; absent when the resource has none. */
  readonly sql?: readonly RawSqlNode[];
  readonly summary: string;
  readonly description?: string;
  /** OpenAPI tag. */
  readonly tag: string;
  /** SDK namespace path, e.g. `['booking', 'services']`. */
  readonly sdkPath: readonly string[];
  /** camelCase base for operation ids, e.g. `bookingServices` → `bookingServicesList`. */
  readonly operationIdBase: string;
  readonly loc?: SourceLocation;
}
