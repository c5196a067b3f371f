/**
 * The SDK's transport: builds URLs and headers, sends with `fetch` only (no Node built-ins, so the same
 * code runs in Node 20, browsers and React Native), applies timeouts and AbortSignal, retries idempotent
 * requests with exponential backoff, refreshes an expired access token once, and turns error bodies
 * into typed errors. Generated module files describe resources with `resource()` and `action()`.
 */
import { ApiError, TimeoutError, errorFromResponse } from './errors.ts';

/** Per-service wire conventions, written into index.ts by the generator. */
export interface WireConfig {
  /** Service base path, e.g. `/api/v1/`. */
  readonly basePath: string;
  readonly trailingSlash: boolean;
  /** platform style wraps every success body in `{success, data, request_id}`; the SDK returns `data`. */
  readonly unwrap: boolean;
  readonly tenantHeader: string | null;
  readonly appHeader: string | null;
  /** Header for `apiKey`; null sends the key as `Authorization: Bearer`. */
  readonly apiKeyHeader: string | null;
  /** Login/refresh/logout (and sign-up, when it answers with tokens) paths for JWT services, null without JWT login. */
  readonly auth: { readonly login: string; readonly refresh: string; readonly logout: string; readonly register?: string } | null;
}

export interface AuthTokens {
  readonly access: string;
  readonly refresh?: string | undefined;
}

export interface ClientOptions {
  /** Origin of the API (`https://api.example.com`); the service base path is appended unless already there. */
  readonly baseUrl: string;
  /** Access token (JWT or session) sent as `Authorization: Bearer`. */
  readonly token?: string;
  readonly refreshToken?: string;
  readonly apiKey?: string;
  /** Tenant selector, e.g. company code `001`. */
  readonly companyId?: string;
  /** Calling app identity, e.g. `loop-booking-web`. */
  readonly appId?: string;
  readonly fetch?: typeof fetch;
  /** Per-attempt timeout; default 30 000 ms; 0 disables. */
  readonly timeoutMs?: number;
  /** Retries of idempotent requests; default 2. */
  readonly retries?: number;
  /** First backoff delay; doubles each retry (with jitter); default 300 ms. */
  readonly retryBaseMs?: number;
  readonly headers?: { readonly [name: string]: string };
  /** Called whenever tokens change (login, refresh, logout), e.g. to persist them. */
  readonly onTokens?: (tokens: AuthTokens | null) => void;
}

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
  readonly retries?: number;
  /** Makes a POST/PATCH retryable; `true` generates a UUID. The same key is sent on every attempt. */
  readonly idempotencyKey?: string | true;
  readonly headers?: { readonly [name: string]: string };
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Json = { readonly [key: string]: unknown };
interface Input {
  readonly query?: object | undefined;
  readonly body?: unknown;
  readonly blob?: boolean;
  readonly noRefresh?: boolean;
}

export interface Transport {
  request<T>(method: Method, path: string, input: Input, opts?: RequestOptions): Promise<T>;
  iterate<T>(path: string, query: object | undefined, opts?: RequestOptions): AsyncIterableIterator<T>;
  tokens: AuthTokens | null;
  setTokens(tokens: AuthTokens | null): void;
  readonly config: WireConfig;
}

const RETRY_STATUS = [408, 429, 500, 502, 503, 504];
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function uuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  // React Native without a crypto polyfill: RFC 4122 v4 shape from Math.random.
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (ch) =>
    ((Math.random() * 16) | (ch === 'x' ? 0 : 8)).toString(16).slice(-1),
  );
}

function queryString(query: object | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null) continue;
    // DRF `__in` filters take comma-separated lists.
    const s = Array.isArray(v) ? v.join(',') : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Pulls tokens out of a login/refresh answer (simplejwt `access`/`refresh`, or `*_token`, or enveloped). */
function pickTokens(body: unknown, previous: AuthTokens | null): AuthTokens | null {
  const b = isObj(body) && isObj(body.data) ? body.data : body;
  if (!isObj(b)) return null;
  const access = b.access ?? b.access_token ?? b.token;
  const refresh = b.refresh ?? b.refresh_token ?? previous?.refresh;
  return typeof access === 'string' ? { access, refresh: typeof refresh === 'string' ? refresh : undefined } : null;
}

/**
 * Items and the way to the next page, for every list envelope the services use: DRF pages, cursor pages,
 * `{<name>: rows, total}` (the named array is the body's only one) and bare arrays paged by `offset`
 * (a page shorter than `limit`, or an empty one, is the last).
 */
function pageOf(body: unknown, query: Json): { items: readonly unknown[]; next: string | Json | null } {
  if (Array.isArray(body)) {
    const offset = Number(query.offset ?? 0) + body.length;
    const short = query.limit !== undefined && body.length < Number(query.limit);
    return { items: body, next: body.length && !short ? { ...query, offset } : null };
  }
  const b = isObj(body) ? body : {};
  const arrays = Object.values(b).filter(Array.isArray);
  const items = [b.results, b.data, b.items].find(Array.isArray) ?? (arrays.length === 1 ? arrays[0]! : []);
  // drf: `next` is an absolute URL or null.
  if ('next' in b) return { items, next: typeof b.next === 'string' ? b.next : null };
  if (typeof b.next_cursor === 'string') return { items, next: { ...query, cursor: b.next_cursor } };
  const total = Number(b.total ?? b.count);
  const offset = Number(b.offset ?? query.offset ?? 0) + items.length;
  return { items, next: items.length && offset < total ? { ...query, offset } : null };
}

export function createTransport(options: ClientOptions, config: WireConfig): Transport {
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const origin = options.baseUrl.replace(/\/+$/, '');
  const root = origin.endsWith(config.basePath.replace(/\/$/, '')) ? `${origin}/` : origin + config.basePath;
  let refreshing: Promise<boolean> | null = null;

  const url = (path: string, query?: object) => {
    if (/^https?:/.test(path)) return path;
    const p = config.trailingSlash && path && !path.endsWith('/') ? `${path}/` : path;
    return root + p + queryString(query);
  };

  const headersFor = (input: Input, opts: RequestOptions, idem: string | undefined) => {
    const h: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (t.tokens) h.Authorization = `Bearer ${t.tokens.access}`;
    if (options.apiKey) {
      if (config.apiKeyHeader) h[config.apiKeyHeader] = options.apiKey;
      else h.Authorization ??= `Bearer ${options.apiKey}`;
    }
    if (options.companyId && config.tenantHeader) h[config.tenantHeader] = options.companyId;
    if (options.appId && config.appHeader) h[config.appHeader] = options.appId;
    if (input.body !== undefined && !(input.body instanceof FormData)) h['Content-Type'] = 'application/json';
    if (idem) h['Idempotency-Key'] = idem;
    return { ...h, ...opts.headers };
  };

  /** One attempt: fetch and read the body, all under the timeout. */
  async function send(method: Method, target: string, input: Input, opts: RequestOptions, idem?: string) {
    const ms = opts.timeoutMs ?? options.timeoutMs ?? 30_000;
    const ctrl = new AbortController();
    const user = opts.signal;
    if (user?.aborted) throw user.reason;
    const onAbort = () => ctrl.abort(user?.reason);
    user?.addEventListener('abort', onAbort, { once: true });
    let timedOut = false;
    const timer =
      ms > 0
        ? setTimeout(() => {
            timedOut = true;
            ctrl.abort();
          }, ms)
        : undefined;
    try {
      const body = input.body === undefined || input.body instanceof FormData ? input.body : JSON.stringify(input.body);
      const res = await doFetch(target, {
        method,
        headers: headersFor(input, opts, idem),
        body: (body ?? null) as BodyInit | null,
        signal: ctrl.signal,
      });
      const type = res.headers.get('content-type') ?? '';
      const data: unknown =
        res.status === 204
          ? undefined
          : input.blob && res.ok
            ? await res.blob()
            : type.includes('json')
              ? await res.json()
              : await res.text();
      return { res, data };
    } catch (e) {
      if (timedOut) throw new TimeoutError(0, 'timeout', `No response within ${ms} ms`, undefined);
      throw e;
    } finally {
      clearTimeout(timer);
      user?.removeEventListener('abort', onAbort);
    }
  }

  /** Login, refresh and sign-up answers carry tokens, logout drops them, whichever method made the call. */
  const bare = (p: string) => p.replace(/\/+$/, '');
  function keepTokens(path: string, body: unknown) {
    const a = config.auth!;
    if (bare(path) === bare(a.login) || bare(path) === bare(a.refresh) || (a.register && bare(path) === bare(a.register))) {
      const next = pickTokens(body, t.tokens);
      if (next) t.setTokens(next);
    } else if (bare(path) === bare(a.logout)) t.setTokens(null);
  }

  async function refresh(): Promise<boolean> {
    const token = t.tokens?.refresh;
    if (!config.auth || !token) return false;
    const before = t.tokens?.access;
    // keepTokens() stores the answer; success means a new access token arrived.
    refreshing ??= t
      .request<unknown>('POST', config.auth.refresh, { body: { refresh: token }, noRefresh: true }, { retries: 0 })
      .then(
        () => !!t.tokens && t.tokens.access !== before,
        () => false,
      )
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  }

  const t: Transport = {
    config,
    tokens: options.token ? { access: options.token, refresh: options.refreshToken } : null,
    setTokens(tokens) {
      t.tokens = tokens;
      options.onTokens?.(tokens);
    },
    async request<T>(method: Method, path: string, input: Input, opts: RequestOptions = {}): Promise<T> {
      const target = url(path, input.query);
      const idem = opts.idempotencyKey === true ? uuid() : opts.idempotencyKey;
      const retryable = method === 'GET' || method === 'PUT' || method === 'DELETE' || idem !== undefined;
      const max = retryable ? (opts.retries ?? options.retries ?? 2) : 0;
      const base = options.retryBaseMs ?? 300;
      let refreshed = !!input.noRefresh;
      for (let attempt = 0; ; attempt++) {
        let err: unknown;
        try {
          const { res, data } = await send(method, target, input, opts, idem);
          if (res.ok) {
            const out = config.unwrap && isObj(data) && 'data' in data ? data.data : data;
            if (config.auth) keepTokens(path, out);
            return out as T;
          }
          err = errorFromResponse(res.status, data, res.headers.get('retry-after'));
          if (res.status === 401 && !refreshed && t.tokens?.refresh) {
            refreshed = true;
            if (await refresh()) {
              attempt--;
              continue;
            }
          }
          if (!RETRY_STATUS.includes(res.status)) throw err;
        } catch (e) {
          // A caller's abort and non-retryable errors end here; network failures and timeouts fall through.
          if (e === err || opts.signal?.aborted || (e instanceof ApiError && !(e instanceof TimeoutError))) throw e;
          err = e;
        }
        if (attempt >= max) throw err;
        const hinted = err instanceof ApiError && 'retryAfter' in err && typeof err.retryAfter === 'number' ? err.retryAfter * 1000 : 0;
        await sleep(Math.max(hinted, base * 2 ** attempt * (0.5 + Math.random() / 2)), opts.signal);
      }
    },
    async *iterate<T>(path: string, query: object | undefined, opts?: RequestOptions): AsyncIterableIterator<T> {
      let q: Json = { ...query };
      let body: unknown = await t.request('GET', path, { query: q }, opts);
      let previous: string | undefined;
      for (;;) {
        const page = pageOf(body, q);
        // A list that ignores the offset would answer its first page forever.
        const first = JSON.stringify(page.items[0]);
        if (first !== undefined && first === previous) return;
        previous = first;
        for (const item of page.items) yield item as T;
        const next = page.items.length ? page.next : null;
        if (next === null) return;
        body =
          typeof next === 'string' ? await t.request('GET', next, {}, opts) : await t.request('GET', path, { query: (q = next) }, opts);
      }
    },
  };
  return t;
}

/** A URL segment from an id or path parameter. */
const seg = (v: unknown) => encodeURIComponent(String(v));

/**
 * A multipart/form-data body from a typed object: Blobs (and Files, which keep their name) become file
 * parts, objects and arrays JSON text (the server parses json fields), other values their string form.
 * null and undefined are left out: a form cannot say null, and an absent part means "not given".
 */
export function toFormData(body: unknown): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(isObj(body) ? body : {})) {
    if (value === undefined || value === null) continue;
    if (typeof Blob !== 'undefined' && value instanceof Blob) form.append(key, value);
    else form.append(key, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
  return form;
}

/** Body operations that may go out as multipart/form-data. */
export type MultipartOperation = 'create' | 'update';

/**
 * CRUD methods of one resource at `path`, plus its actions; the generated type says which exist.
 * `multipart` lists the operations whose body is sent as FormData (uploads) instead of JSON.
 */
export function resource<A>(t: Transport, path: string, actions?: object, multipart: readonly MultipartOperation[] = []): A {
  const item = (id: unknown, suffix = '') => `${path}/${seg(id)}${suffix}`;
  // A FormData the caller built is sent as it is.
  const encode = (op: MultipartOperation, body: unknown) =>
    multipart.includes(op) && !(body instanceof FormData) ? toFormData(body) : body;
  const methods = {
    list: (query?: object, opts?: RequestOptions) => t.request('GET', path, { query }, opts),
    iterate: (query?: object, opts?: RequestOptions) => t.iterate(path, query, opts),
    get: (id: unknown, opts?: RequestOptions) => t.request('GET', item(id), {}, opts),
    create: (body: unknown, opts?: RequestOptions) => t.request('POST', path, { body: encode('create', body) }, opts),
    update: (id: unknown, body: unknown, opts?: RequestOptions) => t.request('PUT', item(id), { body: encode('update', body) }, opts),
    patch: (id: unknown, body: unknown, opts?: RequestOptions) => t.request('PATCH', item(id), { body }, opts),
    delete: (id: unknown, opts?: RequestOptions) => t.request('DELETE', item(id), {}, opts),
    restore: (id: unknown, opts?: RequestOptions) => t.request('POST', item(id, '/restore'), {}, opts),
  };
  return Object.assign(methods, actions) as A;
}

/**
 * An action at `template` (`booking/appointments/{id}/create-invoice`): path parameters come first,
 * then the query (GET/DELETE) or body, then RequestOptions.
 */
export function action<F>(t: Transport, method: Method, template: string, hasInput = true, blob = false): F {
  const n = (template.match(/\{[^}]+\}/g) ?? []).length;
  const call = (...args: unknown[]) => {
    let i = 0;
    const path = template.replace(/\{[^}]+\}/g, () => seg(args[i++]));
    const input = hasInput ? args[n] : undefined;
    const opts = args[hasInput ? n + 1 : n] as RequestOptions | undefined;
    const read = method === 'GET' || method === 'DELETE';
    return t.request(method, path, read ? { query: input as object | undefined, blob } : { body: input, blob }, opts);
  };
  return call as F;
}

/** Login/logout helpers; tokens are kept by the transport and sent on every call. */
export function authHelpers(t: Transport) {
  const paths = t.config.auth!;
  return {
    /** Logs in and keeps the tokens; an expired access token is then refreshed automatically. */
    async login(credentials: { readonly email: string; readonly password: string }, opts?: RequestOptions): Promise<AuthTokens> {
      await t.request<unknown>('POST', paths.login, { body: credentials, noRefresh: true }, opts);
      if (!t.tokens) throw new ApiError(200, 'no_token', 'Login answer carried no access token', undefined);
      return t.tokens;
    },
    async logout(opts?: RequestOptions): Promise<void> {
      const refresh = t.tokens?.refresh;
      try {
        if (refresh) await t.request('POST', paths.logout, { body: { refresh }, noRefresh: true }, opts);
      } finally {
        t.setTokens(null);
      }
    },
    setTokens: (tokens: AuthTokens | null): void => t.setTokens(tokens),
    getTokens: (): AuthTokens | null => t.tokens,
  };
}
export type AuthHelpers = ReturnType<typeof authHelpers>;

/**
 * The client object: module namespaces merged one level deep (two modules may share a namespace),
 * with the auth helpers under `auth` where the service issues JWTs; a catalogue `auth` module's
 * own typed methods win over the helpers of the same name.
 */
export function assemble<C>(t: Transport, ...parts: object[]): C {
  const out: Record<string, object> = t.config.auth ? { auth: authHelpers(t) } : {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) out[k] = { ...out[k], ...(v as object) };
  return out as C;
}

/**
 * CRUD surface of a resource; generated types `Pick` the operations a resource exposes. `Deleted` is what a
 * delete answers: nothing (204) in the LOOP style, `{id, deleted: true}` where the service says what it deleted.
 */
export interface ResourceApi<Id, Read, Create, Update, Patch, Query, Page, Deleted = void> {
  list(query?: Query, opts?: RequestOptions): Promise<Page>;
  /** Every record across all pages, fetched page by page as you iterate. */
  iterate(query?: Query, opts?: RequestOptions): AsyncIterableIterator<Read>;
  get(id: Id, opts?: RequestOptions): Promise<Read>;
  create(body: Create, opts?: RequestOptions): Promise<Read>;
  update(id: Id, body: Update, opts?: RequestOptions): Promise<Read>;
  patch(id: Id, body: Patch, opts?: RequestOptions): Promise<Read>;
  delete(id: Id, opts?: RequestOptions): Promise<Deleted>;
  restore(id: Id, opts?: RequestOptions): Promise<Read>;
}
