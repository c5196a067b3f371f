/** Tenant-level reads (seed 002 "Public", "Tenants"): public config, lookup by email, usage. */
import type { ActionHandler } from '../../runtime-api.ts';
import { badRequest, notFound } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { parseJson, tenantOf } from '../http/action-context.ts';

export const tenantInfoActions = {
  /** Public: the tenant is named by `?tenant=<slug or id>` (or X-Tenant-ID); answers branding and public auth options. */
  getTenantConfig: async (a) => {
    const q = a.query;
    const key = String(q.tenant ?? q.tenant_id ?? '');
    if (!key) throw badRequest('Name the tenant with ?tenant=<slug>.', 'tenant_required');
    const t = await a.trx(T.tenants).where({ slug: key }).orWhere(/^\d+$/.test(key) ? { id: Number(key) } : { slug: key }).first();
    if (!t) throw notFound('Tenant not found.');
    const settings = await a.trx(T.settings).where({ company_id: t.id, owner: null }).whereIn('name', ['branding', 'auth_config']);
    const doc = (n: string) => parseJson(settings.find((s) => s.name === n)?.value) ?? {};
    const auth = doc('auth_config') as Record<string, unknown>;
    return { body: { tenant_id: Number(t.id), brand_name: t.brand_name ?? t.name, branding: doc('branding'), auth: { providers: auth.providers ?? ['email'], signup_enabled: auth.signup_enabled ?? true } } };
  },
  lookupTenantsByEmail: async (a) => {
    const email = String(a.query.email ?? '').trim().toLowerCase();
    if (!email) throw badRequest('email is required.', 'validation_error');
    const rows = await a.trx(T.tenants).join(T.users, `${T.users}.company_id`, `${T.tenants}.id`).where(`${T.users}.email`, email).distinct(`${T.tenants}.id`, `${T.tenants}.brand_name`, `${T.tenants}.name`);
    return { body: rows.map((r) => ({ tenant_id: Number(r.id), brand_name: r.brand_name ?? r.name })) };
  },
  getTenantUsage: async (a) => {
    const tenant = tenantOf(a);
    const t = await a.trx(T.tenants).where({ id: tenant }).first();
    const count = async (table: string) => Number((await a.trx(table).where({ company_id: tenant }).count({ n: '*' }).first())?.n ?? 0);
    return {
      body: {
        tenant_id: tenant,
        plan_tier: t?.plan_tier ?? 'free',
        used_storage_bytes: Number(t?.used_storage_bytes ?? 0),
        plan_limits: {},
        counts: { objects: await count(T.objects), object_types: await count(T.objectTypes), users: await count(T.users), api_keys: await count(T.apiKeys) },
      },
    };
  },
} satisfies Record<string, ActionHandler>;
