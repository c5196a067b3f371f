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
  readonly ip: string;
  readonly db: Knex;
  principal: Principal | null;
  tenant: TenantContext | null;
  appId: string | null;
}

/** Arguments an action handler receives. Handlers live in runtime/handlers/<service>/<module>.ts. */
export interface ActionContext {
  readonly ctx: RequestContext;
  readonly action: ActionDescriptor;
  /** Path parameters, validated. */
  readonly params: Readonly<Record<string, string>>;
  /** Query, parsed by the action's query validator. */
  readonly query: Readonly<Record<string, unknown>>;
  /** Body, parsed by the action's body validator (undefined for GET). */
  readonly body: unknown;
  /** Uploaded files of a multipart request. */
  readonly files?: readonly { field: string; filename: string; contentType: string; size: number; buffer: Buffer }[];
  /** Database handle: a transaction for writes, so an action's changes land together or not at all. */
  readonly trx: Knex;
  /** Records an audit entry inside the same transaction. */
  audit(entry: { action: string; resource: string; recordId?: string | number | null; changes?: unknown }): Promise<void>;
  /** Absolute URL base of this request (scheme://host), for links in responses. */
  readonly baseUrl: string;
}

/**
 * What a handler returns: a JSON body (status defaults to the action's), or a stream/file.
 * Throw `ApiError` (runtime/http/api-error.ts) for failures; the service style renders it.
 */
export type ActionResult =
  | { readonly status?: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly status?: number; readonly stream: NodeJS.ReadableStream; readonly contentType: string; readonly filename?: string }
  | { readonly status?: number; readonly buffer: Buffer; readonly contentType: string; readonly filename?: string };

export type ActionHandler = (args: ActionContext) => Promise<ActionResult>;

/** Handlers of one service, keyed by the catalogue's handler name (`booking.createInvoice`). */
export type HandlerRegistry = Readonly<Record<string, ActionHandler>>;

export interface Runtime {
  readonly service: string;
  readonly style: ServiceStyle;
  readonly db: Knex;
  /** Requires a valid principal (401 otherwise). */
  readonly authenticate: RequestHandler;
  /** Sets the principal when credentials are sent, never refuses. For public endpoints. */
  readonly optionalAuth: RequestHandler;
  /** Resolves the tenant (company header, membership, product subscription, key's companies). */
  tenant(scope: { readonly scope: 'company' | 'workspace' | 'global'; readonly product: string | null }): RequestHandler;
  /** 403 unless the principal holds the permission code in the current tenant. */
  permit(code: string | null): RequestHandler;
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
  };
  /** Runs a catalogue action through its registered handler. */
  action(d: ActionDescriptor): RequestHandler;
}
