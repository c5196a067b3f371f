import type { FieldNode } from './field-node.ts';
import type { ShapeNode } from './shape-node.ts';
import type { SourceLocation } from './source-location.ts';

export type ActionTenancy = 'required' | 'optional' | 'none';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A workflow endpoint that is not plain CRUD (`booking/appointments/{id}/create-invoice/`).
 * Its behaviour is a named runtime handler; the catalogue declares only its contract.
 */
export interface ActionNode {
  readonly kind: 'action';
  /** Kebab-case name as in the catalogue, e.g. `create-invoice`. */
  readonly name: string;
  readonly method: HttpMethod;
  /** `item`: on one record (`…/{id}/name/`); `collection`: on a resource's list path; `module`: under the module path. */
  readonly on: 'item' | 'collection' | 'module';
  /** Qualified resource id for item/collection actions. */
  readonly resource?: string;
  /** Full path relative to the service base path, in OpenAPI form, e.g. `booking/appointments/{id}/create-invoice/`. */
  readonly path: string;
  /** Express path parameters in order, e.g. `['id']`. */
  readonly pathParams: readonly FieldNode[];
  /** Runtime handler name, `<module>.<camelName>`, looked up in the service's handler registry. */
  readonly handler: string;
  /** Permission code checked before the handler runs; null for public and `authenticated` actions. */
  readonly permission: string | null;
  /** Public actions skip auth (but may still be rate limited). */
  readonly public: boolean;
  /** `public`: anyone; `authenticated`: signed in, no permission code; `permission`: `permission` in the tenant. */
  readonly access: 'public' | 'authenticated' | 'permission';
  /**
   * Whether X-Company-ID selects a tenant: `required` (default for product modules and tenant resources),
   * `optional` (resolved when the header is sent), `none` (default otherwise).
   */
  readonly tenant: ActionTenancy;
  readonly query: readonly FieldNode[];
  readonly request: ShapeNode;
  readonly response: ShapeNode;
  /** Success status code. */
  readonly status: number;
  /** Other success statuses answering the same body (201 when it creates, 200 when the record existed). */
  readonly alsoStatus?: readonly number[];
  /** Extra error statuses this action can answer with (beyond the service's common ones). */
  readonly errors: readonly number[];
  readonly summary: string;
  readonly description?: string;
  /** camelCase, unique within the service, e.g. `bookingAppointmentsCreateInvoice`. */
  readonly operationId: string;
  /** SDK method name on its namespace, e.g. `createInvoice`. */
  readonly sdkName: string;
  readonly tag: string;
  readonly loc?: SourceLocation;
}
