/**
 * `X-LOOP-APP-ID` (docs/api/loop-api.txt): the calling app, resolved against `api_client_apps`. The header may be
 * omitted; a named app must exist, be active, and list the product (an empty `allowed_products`
 * allows every product). Product-less operations (core, auth) are open to every known app.
 */
import type { Knex } from 'knex';
import { ApiError } from '../../http/api-error.ts';
import { TtlCache } from '../tenancy/ttl-cache.ts';
import { T } from './loop-schema.ts';

export const APP_HEADER = 'X-LOOP-APP-ID';

interface AppRow {
  readonly app_id: string;
  readonly is_active: boolean;
  readonly allowed_products: unknown;
}

export class ClientAppResolver {
  private readonly apps: TtlCache<string, AppRow | null>;

  constructor(
    private readonly db: Knex,
    ttlMs = 5_000,
    now: () => number = Date.now,
  ) {
    this.apps = new TtlCache(ttlMs, 1_000, now);
  }

  async resolve(header: string | null | undefined, product: string | null): Promise<string | null> {
    const appId = header?.trim();
    if (!appId) return null;
    const app = await this.apps.getOrLoad(
      appId,
      async () =>
        (await this.db(T.apiClientApps)
          .where({ app_id: appId })
          .whereNull('deleted_at')
          .first('app_id', 'is_active', 'allowed_products')) ?? null,
    );
    if (!app) throw new ApiError(403, 'unknown_app', `Unknown ${APP_HEADER} "${appId}".`);
    if (!app.is_active) throw new ApiError(403, 'app_disabled', `The app "${appId}" is disabled.`);
    const raw = typeof app.allowed_products === 'string' ? JSON.parse(app.allowed_products) : app.allowed_products;
    const allowed = Array.isArray(raw) ? raw.map(String) : [];
    if (product && allowed.length && !allowed.includes(product)) {
      throw new ApiError(403, 'app_not_allowed_for_product', `The app "${appId}" is not allowed to use ${product}.`);
    }
    return app.app_id;
  }

  invalidate(): void {
    this.apps.clear();
  }
}
