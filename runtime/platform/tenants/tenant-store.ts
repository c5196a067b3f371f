/**
 * Tenants: every key, user and row belongs to one (`company_id` = pf_tenants.id, an integer so the
 * shared CRUD runtime's tenant filter applies unchanged). Tenants are provisioned by the operator
 * (`createPlatformKey` below / `loopgen admin create-key --service platform`), not through /v1/.
 */
import type { Knex } from 'knex';
import type { TenantContext } from '../../runtime-api.ts';
import { T } from '../tables.ts';

export interface TenantRow {
  readonly id: number;
  readonly name: string;
  readonly slug: string;
  readonly status: string;
}

function slugify(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'tenant'
  );
}

/** The tenant named `name` (by slug), created when missing. */
export async function ensureTenant(db: Knex, opts: { name: string; ownerEmail?: string | null }): Promise<TenantRow> {
  const slug = slugify(opts.name);
  const found = await db(T.tenants).where({ slug }).first();
  if (found) return { ...found, id: Number(found.id) };
  const [row] = await db(T.tenants)
    .insert({
      name: opts.name,
      slug,
      brand_name: opts.name,
      owner_email: opts.ownerEmail ?? null,
      created_at: db.fn.now(),
      updated_at: db.fn.now(),
    })
    .returning(['id', 'name', 'slug', 'status']);
  return { ...row, id: Number(row.id) };
}

export function tenantContext(t: { id: number; slug: string }, admin: boolean): TenantContext {
  // `role: admin` lets full-access keys restore soft-deleted rows (runtime/crud/scope.ts isAdmin).
  return { companyId: t.id, companyCode: t.slug, role: admin ? 'admin' : null, permissions: new Set() };
}
