import type { ModuleNode } from './module-node.ts';
import type { ResourceNode } from './resource-node.ts';
import type { ActionNode } from './action-node.ts';

/**
 * How a service speaks HTTP. Each style has one entry in generator/shared/style-conventions.ts (and one in
 * runtime/http/styles/), which a new style does not compile without:
 * - `drf`: trailing slashes, `{count,next,previous,results}` pages, `{"field": ["msg"]}` / `{detail, code}` errors.
 * - `roomloop`: no trailing slash, `{data, …}` lists, `{error:{code,message,rule?}}` errors.
 * - `platform`: `{success,data,request_id}` envelope, `{success:false,error:{code,message},request_id}` errors.
 */
export const SERVICE_STYLES = ['drf', 'roomloop', 'platform'] as const;
export type ServiceStyle = (typeof SERVICE_STYLES)[number];

export interface ProductNode {
  readonly kind: 'product';
  readonly code: string;
  readonly name: string;
}

export interface ServiceNode {
  readonly kind: 'service';
  /** `loop`, `roomloop`, `platform`. */
  readonly name: string;
  readonly title: string;
  readonly version: string;
  readonly description: string;
  /** Base path with leading and trailing slash, e.g. `/api/v1/`. */
  readonly basePath: string;
  readonly style: ServiceStyle;
  readonly trailingSlash: boolean;
  readonly idStyle: 'serial' | 'prefixed';
  /** Auth schemes the service accepts, in order of precedence. */
  readonly auth: readonly ('jwt' | 'api_key' | 'bearer_key' | 'session')[];
  /** Header that selects the tenant, e.g. `X-Company-ID`; null when tenancy comes from the token. */
  readonly tenantHeader: string | null;
  /** Header naming the calling app, e.g. `X-LOOP-APP-ID`. */
  readonly appHeader: string | null;
  /** Header carrying an internal API key, e.g. `X-LOOP-API-KEY`. */
  readonly apiKeyHeader: string | null;
  readonly products: readonly ProductNode[];
  /** Emit the Citus variant of the schema beside the migrations (`citus: true`, docs/citus.md). */
  readonly citus: boolean;
  readonly modules: readonly ModuleNode[];
  /** Every resource of every module, sorted by path (a convenience view; same objects). */
  readonly resources: readonly ResourceNode[];
  /** Every action (resource and module level), sorted by path then method. */
  readonly actions: readonly ActionNode[];
  /** The `service.yaml` file, relative to the project root. */
  readonly sourceFile: string;
}
