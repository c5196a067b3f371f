/**
 * The surface generated routers call. A generated router is a list of
 * `router.<method>(path, ...middlewares)` lines built only from these members, so a
 * newcomer can read every step of an endpoint in order.
 *
 * One Runtime is created per service (`createRuntime` in runtime/create-runtime.ts); the service's
 * style (drf | roomloop | platform) decides error bodies, list envelopes and auth schemes.
 */
import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import type { ActionDescriptor, ResourceDescriptor, ServiceStyle } from './descriptor.ts';
import type { WireStyle } from './http/wire-style.ts';

export interface Principal {
  readonly userId: number | string;
  readonly email: string;
  readonly isSuperuser: boolean;
  /** How the caller proved who it is. */
  readonly via: 'jwt' | 'api_key' | 'bearer_key' | 'session' | 'env_key';
  /** Internal API key id, when `via` is a key. */
  readonly keyId?: number | string;
  /** Companies an internal key may act for (null = any the user can reach). */
  readonly allowedCompanyIds?: readonly number[] | null;
  /** Service-level role (RoomLoop: teacher | admin; platform: key scopes). */
  readonly role?: string;
  readonly scopes?: readonly string[];
}

export interface TenantContext {
  readonly companyId: number;
  readonly companyCode: string;
  /** Membership role name within the company (owner, admin, …) or null for superusers. */
  readonly role: string | null;
  /** Permission codes granted in this company; `*` grants all. */
  readonly permissions: ReadonlySet<string>;
}

/** Per-request state, set on `res.locals.ctx` by the runtime's first middleware. */
export interface RequestContext {
  readonly requestId: string;
  readonly service: string;
  readonly style: ServiceStyle;
  /** The service's wire style: bodies, errors, list envelopes (runtime/http/wire-style.ts). */
  readonly wire: WireStyle;
  /** Where the service's routes are mounted (`/api/v1/`), for links to its own endpoints. */
  readonly basePath: string;
  readonly ip: string;
  /** The request's `User-Agent` header, when sent (sessions record it). */
  readonly userAgent?: string | null;
  readonly db: Knex;
  principal: Principal | null;
  tenant: TenantContext | null;
  appId: string | null;
  /**
   * Companies a non-superuser may read on a tenant-root resource (companies), set by `rt.tenant` for
   * such reads; undefined elsewhere (a tenant-root query without it matches nothing).
   */
  reachableCompanyIds?: readonly number[];
}

/** `required`: a company must be selected; `optional`: resolved when one can be; `none`: no tenant. */
export type TenantMode = 'required' | 'optional' | 'none';

/** CRUD operations a resource can hand to a named handler (`handlers:` in the catalogue). */
export type CrudOperationName = 'list' | 'create' | 'retrieve' | 'update' | 'partial_update' | 'delete' | 'restore';

/*
 * Additions to the generated-code contract (descriptor.ts) and the provider seam (auth-provider.ts),
 * declared here by augmentation so those files stay as they are; fold them in when convenient.
 */
declare module './descriptor.ts' {
  interface ResourceDescriptor {
    /** The resource is the tenant itself (companies): rows are the caller's companies. */
    readonly tenantRoot?: boolean;
    /** company_id may be null; the API still shows only the request tenant's rows. */
    readonly tenantOptional?: boolean;
    /** CRUD operations answered by a named handler (`rt.crud.handler(d, op)`). */
    readonly handlers?: Readonly<Partial<Record<CrudOperationName, string>>>;
    /** Operations that accept multipart/form-data; files reach the handler as `a.files`. */
    readonly multipart?: readonly CrudOperationName[];
  }
}

declare module './auth-provider.ts' {
  interface AuthProvider {
    /** Ids of the companies the principal may reach (active memberships, narrowed by a key's companies). */
    reachableCompanyIds?(ctx: RequestContext): Promise<readonly number[]>;
  }
}

/**
 * Arguments an action handler receives. Handlers live in runtime/<service>/handlers/<catalogue module>.ts.
 * `Body` and `Query` are the outputs of the action's generated validators; the generated handler contract
 * (generated/<service>/server/handlers.ts) fills them in per handler.
 */
export interface ActionContext<Body = unknown, Query = Readonly<Record<string, unknown>>> {
  readonly ctx: RequestContext;
  readonly action: ActionDescriptor;
  /** Path parameters, validated. */
  readonly params: Readonly<Record<string, string>>;
  /** Query, parsed by the action's query validator. */
  readonly query: Query;
  /** Body, parsed by the action's body validator (undefined for GET). */
  readonly body: Body;
  /** Uploaded files of a multipart request. */
  readonly files?: readonly { field: string; filename: string; contentType: string; size: number; buffer: Buffer }[];
  /**
   * The request's one transaction for writes (the database handle for GETs), so an action's changes land
   * together or not at all. Use it for every query: PGlite has a single connection, and a query on
   * `ctx.db` while this transaction is open would wait for it forever.
   */
  readonly trx: Knex;
  /** Records an audit entry inside the same transaction. */
  audit(entry: {
    action: string;
    resource: string;
    recordId?: string | number | null;
    changes?: unknown;
    record?: Record<string, unknown> | null;
  }): Promise<void>;
  /** Absolute URL base of this request (scheme://host), for links in responses. */
  readonly baseUrl: string;
}

/**
 * What a handler returns: a JSON body (status defaults to the action's), or a stream/file. A stream or
 * file with an `ETag` header is answered 304 when the request's If-None-Match already names it.
 * Throw `ApiError` (runtime/http/api-error.ts) for failures; the service style renders it.
 */
export type ActionResult =
  | {
      readonly status?: number;
      readonly body: unknown;
      readonly headers?: Readonly<Record<string, string>>;
      /** The body holds a one-time secret (a new API key): sent `no-store` and never kept for Idempotency-Key replay. */
      readonly secret?: boolean;
    }
  | {
      readonly status?: number;
      readonly stream: NodeJS.ReadableStream;
      readonly contentType: string;
      readonly filename?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  | {
      readonly status?: number;
      readonly buffer: Buffer;
      readonly contentType: string;
      readonly filename?: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

export type ActionHandler<Body = unknown, Query = Readonly<Record<string, unknown>>> = (
  args: ActionContext<Body, Query>,
) => Promise<ActionResult>;

/** Handlers of one service, keyed by the catalogue's handler name (`booking.createInvoice`). */
// `any`: each entry is typed by the generated contract; the runner only knows it validated the input first.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HandlerRegistry = Readonly<Record<string, ActionHandler<any, any>>>;

export interface Runtime {
  readonly service: string;
  readonly style: ServiceStyle;
  /** The style's implementation, chosen once by createRuntime. */
  readonly wire: WireStyle;
  readonly db: Knex;
  /** Requires a valid principal (401 otherwise). */
  readonly authenticate: RequestHandler;
  /** Sets the principal when credentials are sent, never refuses. For public endpoints. */
  readonly optionalAuth: RequestHandler;
  /**
   * Resolves the tenant (company header, membership, product subscription, key's companies) and the
   * calling app. `mode` defaults to `required` for company/workspace scope and `none` for global.
   * For a tenant root (companies) `none` means "list the caller's companies" and `required` lets a
   * superuser go without a header.
   */
  tenant(
    scope: { readonly scope: 'company' | 'workspace' | 'global'; readonly product: string | null; readonly tenantRoot?: boolean },
    mode?: TenantMode,
  ): RequestHandler;
  /** 403 unless the principal holds the permission code in the current tenant. */
  permit(code: string | null): RequestHandler;
  /** 403 unless the principal is a superuser (writes to shared catalogue data). */
  readonly requireSuperuser: RequestHandler;
  /** Stripe-style Idempotency-Key replay for POSTs. */
  readonly idempotent: RequestHandler;
  /** Per-route limiter, e.g. `rateLimit('login', { perMinute: 10 })`. */
  rateLimit(name: string, opts: { readonly perMinute: number; readonly key?: 'ip' | 'token' }): RequestHandler;
  readonly crud: {
    list(d: ResourceDescriptor): RequestHandler;
    create(d: ResourceDescriptor): RequestHandler;
    retrieve(d: ResourceDescriptor): RequestHandler;
    update(d: ResourceDescriptor): RequestHandler;
    partialUpdate(d: ResourceDescriptor): RequestHandler;
    destroy(d: ResourceDescriptor): RequestHandler;
    restore(d: ResourceDescriptor): RequestHandler;
    /** The resource's named handler for `op` (descriptor `handlers`), run like an action: validators, transaction, audit. */
    handler(d: ResourceDescriptor, op: CrudOperationName): RequestHandler;
  };
  /** Runs a catalogue action through its registered handler. */
  action(d: ActionDescriptor): RequestHandler;
}
