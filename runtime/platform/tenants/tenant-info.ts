/** Tenant-level reads (docs/api/platform-api.txt, "Public", "Tenants"): public config, lookup by email, usage. */
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { badRequest, notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { bodyOf, parseJson, tenantOf } from '../http/action-context.ts';
import { tenantIdFromPublic, tenantPublicId } from './public-id.ts';

/** A tenant named by its public id (`tn_…`), its slug, or its number. */
export async function tenantNamed(a: Pick<ActionContext, 'trx'>, key: string) {
  const id = tenantIdFromPublic(key) ?? (/^\d{1,15}$/.test(key) ? Number(key) : null);
  return id !== null ? a.trx(T.tenants).where({ id }).first() : a.trx(T.tenants).where({ slug: key }).first();
}

export const tenantInfoActions = {
  /** Public: the tenant is named by `?tenant=<slug or id>` (or X-Tenant-ID); answers branding and public auth options. */
  getTenantConfig: async (a) => {
    const q = a.query;
    const key = String(q.tenant ?? q.tenant_id ?? '');
    if (!key) throw badRequest('Name the tenant with ?tenant=<slug>.', 'tenant_required');
    const t = await tenantNamed(a, key);
    if (!t) throw notFound('Tenant not found.');
    const settings = await a.trx(T.settings).where({ company_id: t.id, owner: null }).whereIn('name', ['branding', 'auth_config']);
    const doc = (n: string) => parseJson(settings.find((s) => s.name === n)?.value) ?? {};
    const auth = doc('auth_config') as Record<string, unknown>;
    return {
      body: {
        tenant_id: tenantPublicId(t.id),
        brand_name: t.brand_name ?? t.name,
        branding: doc('branding'),
        auth: { providers: auth.providers ?? ['email'], signup_enabled: auth.signup_enabled ?? true },
      },
    };
  },
  lookupTenantsByEmail: async (a) => {
    const email = String(bodyOf(a).email ?? '')
      .trim()
      .toLowerCase();
    if (!email) throw validation({ email: ['This field is required.'] });
    // pf_users.company_id is text (end users may sit outside a tenant); compare as text.
    const rows: Record<string, unknown>[] = await a
      .trx(T.tenants)
      .joinRaw(`join ?? on ??::text = ??`, [T.users, `${T.tenants}.id`, `${T.users}.company_id`])
      .where(`${T.users}.email`, email)
      .distinct(`${T.tenants}.id`, `${T.tenants}.brand_name`, `${T.tenants}.name`);
    return { body: rows.map((r) => ({ tenant_id: tenantPublicId(r.id), brand_name: r.brand_name ?? r.name })) };
  },
  getTenantUsage: async (a) => {
    const tenant = tenantOf(a);
    const t = await a.trx(T.tenants).where({ id: tenant }).first();
    const count = async (table: string) => Number((await a.trx(table).where({ company_id: tenant }).count({ n: '*' }).first())?.n ?? 0);
    return {
      body: {
        tenant_id: tenantPublicId(tenant),
        plan_tier: t?.plan_tier ?? 'free',
        used_storage_bytes: Number(t?.used_storage_bytes ?? 0),
        plan_limits: {},
        counts: {
          objects: await count(T.objects),
          object_types: await count(T.objectTypes),
          users: await count(T.users),
          api_keys: await count(T.apiKeys),
        },
      },
    };
  },
} satisfies Record<string, ActionHandler>;
