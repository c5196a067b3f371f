/**
 * Which tenant a public portal call is for, and that tenant's portal settings. The portal runs
 * without an API key, so the tenant comes from the body's `tenant_id` (tn_…, slug or number), a tenant
 * API key or end-user token sent as Bearer, or the request's host name listed in the tenant's
 * auth-config `portal.domains`. A tenant opts in with PATCH /v1/auth-config:
 *   { "portal": { "enabled": true, "site_url": "https://shop.example.com",
 *                 "redirect_urls": ["https://shop.example.com/"], "domains": ["shop.example.com"],
 *                 "signup_enabled": true, "rate_limits": { "per_address": 5, "per_ip": 30, "window_seconds": 900 } } }
 * `site_url` is where mailed links land (the portal page then posts the token to this API);
 * `redirect_to` from a caller is honoured only under `site_url` or a `redirect_urls` prefix, so nobody
 * can have the platform mail a tenant's customer a link that hands the token to a third party.
 */
import type { ActionContext } from '../../runtime-api.ts';
import { ApiError, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { asObject, bodyOf } from '../http/action-context.ts';
import { readSetting } from '../settings/settings-documents.ts';
import { tenantNamed } from '../tenants/tenant-info.ts';
import type { PlatformPrincipal } from '../auth/platform-auth-provider.ts';

export interface PortalTenant {
  readonly id: number;
  readonly name: string;
}

export interface PortalConfig {
  readonly siteUrl: URL;
  readonly redirectUrls: readonly string[];
  readonly signupEnabled: boolean;
  readonly perAddress: number;
  readonly perIp: number;
  readonly windowMs: number;
}

const CONFIGURE = 'PATCH /v1/auth-config with {"portal":{"enabled":true,"site_url":"https://<your portal>"}}';

export function portalNotConfigured(): ApiError {
  return new ApiError(403, 'portal_not_configured', `The public portal is not enabled for this tenant. Enable it: ${CONFIGURE}.`);
}

function tenantRequired(): ApiError {
  return new ApiError(
    400,
    'tenant_required',
    'Name the tenant: tenant_id in the body (tn_…, slug or number), a tenant API key as Bearer, or a host name listed in auth-config portal.domains.',
  );
}

function hostOf(baseUrl: string): string | null {
  return URL.canParse(baseUrl) ? new URL(baseUrl).hostname.toLowerCase() : null;
}

async function activeTenant(a: ActionContext, row: Record<string, unknown> | undefined): Promise<PortalTenant | null> {
  if (!row || row.status !== 'active') return null;
  return { id: Number(row.id), name: String(row.brand_name ?? row.name) };
}

/** The tenant the request names, or null when it names none (an unknown name is a 400, never a guess). */
export async function namedTenant(a: ActionContext): Promise<PortalTenant | null> {
  const key = bodyOf(a).tenant_id;
  if (typeof key === 'string' && key.trim()) {
    const t = await activeTenant(a, await tenantNamed(a, key.trim()));
    if (!t) throw new ApiError(400, 'tenant_not_found', 'No active tenant has this tenant_id.');
    return t;
  }
  const p = a.ctx.principal as PlatformPrincipal | null;
  if (p?.tenantId) return activeTenant(a, await a.trx(T.tenants).where({ id: p.tenantId }).first());
  const host = hostOf(a.baseUrl);
  if (!host) return null;
  const hit = await a
    .trx(T.settings)
    .where({ name: 'auth_config' })
    .whereNull('owner')
    .whereRaw(`value->'portal'->'domains' @> ?::jsonb`, [JSON.stringify([host])])
    .first('company_id');
  return hit
    ? activeTenant(
        a,
        await a
          .trx(T.tenants)
          .where({ id: Number(hit.company_id) })
          .first(),
      )
    : null;
}

export async function requireTenant(a: ActionContext): Promise<PortalTenant> {
  const t = await namedTenant(a);
  if (!t) throw tenantRequired();
  return t;
}

const positive = (v: unknown, fallback: number) => (Number.isSafeInteger(v) && (v as number) > 0 ? (v as number) : fallback);

/** The tenant's portal settings, or null when the portal is not enabled (or has no usable site_url). */
export async function portalConfig(a: ActionContext, tenantId: number): Promise<PortalConfig | null> {
  const portal = asObject((await readSetting(a, tenantId, 'auth_config', null)).portal);
  const site = typeof portal.site_url === 'string' && URL.canParse(portal.site_url) ? new URL(portal.site_url) : null;
  if (portal.enabled !== true || !site || !/^https?:$/.test(site.protocol)) return null;
  const limits = asObject(portal.rate_limits);
  return {
    siteUrl: site,
    redirectUrls: Array.isArray(portal.redirect_urls)
      ? portal.redirect_urls.filter((u): u is string => typeof u === 'string' && URL.canParse(u))
      : [],
    signupEnabled: portal.signup_enabled !== false,
    perAddress: positive(limits.per_address, 5),
    perIp: positive(limits.per_ip, 30),
    windowMs: positive(limits.window_seconds, 900) * 1000,
  };
}

export async function requireConfig(a: ActionContext, tenantId: number): Promise<PortalConfig> {
  const c = await portalConfig(a, tenantId);
  if (!c) throw portalNotConfigured();
  return c;
}

/**
 * The link mailed for `path` under the portal's site, carrying the token; `redirect_to` replaces the
 * site's page only when it lies under site_url or an allowed redirect prefix (same origin and path prefix).
 */
export function portalLink(c: PortalConfig, path: string, redirectTo: unknown, token: string): URL {
  let url = new URL(path, c.siteUrl.href.endsWith('/') ? c.siteUrl : new URL(`${c.siteUrl.href}/`));
  if (typeof redirectTo === 'string' && redirectTo) {
    const allowed = [c.siteUrl.href, ...c.redirectUrls];
    const target = URL.canParse(redirectTo) ? new URL(redirectTo) : null;
    const under = (base: string) => {
      const b = new URL(base);
      return target !== null && target.origin === b.origin && target.pathname.startsWith(b.pathname);
    };
    if (!target || !allowed.some(under)) {
      throw validation({ redirect_to: ['must lie under the portal site_url or one of auth-config portal.redirect_urls'] });
    }
    url = target;
  }
  url.searchParams.set('token', token);
  return url;
}
