/**
 * `GET auth/me/`: the user, their developer profile, and every company they can reach with the role,
 * workspaces and products open to them there. Superusers reach every active company.
 */
import type { Knex } from 'knex';
import { ApiError } from '../../http/api-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import { membershipRole } from '../tenancy/permissions.ts';
import { loadSubscriptions, openProducts } from '../tenancy/subscriptions.ts';
import { T } from './loop-schema.ts';
import { loopServices } from './loop-services.ts';
import { findActiveUser, publicUser } from './user-store.ts';

export async function me(a: ActionContext): Promise<ActionResult> {
  const p = a.ctx.principal;
  if (!p) throw new ApiError(401, 'not_authenticated', 'Authentication credentials were not provided.');
  const db = a.trx;
  const user = await findActiveUser(db, Number(p.userId));
  if (!user) throw new ApiError(401, 'user_inactive', 'User is inactive or deleted.');
  const now = loopServices(a.ctx.db).now();
  const rows = user.is_superuser
    ? await db(`${T.companies} as c`)
        .leftJoin(`${T.memberships} as m`, function () {
          this.on('m.company_id', '=', 'c.id')
            .andOnVal('m.user_id', '=', user.id)
            .andOnVal('m.status', '=', 'active')
            .andOnNull('m.deleted_at');
        })
        .leftJoin(`${T.roles} as r`, 'r.id', 'm.role_id')
        .where('c.is_active', true)
        .whereNull('c.deleted_at')
        .orderBy('c.code')
        .select('c.id', 'c.code', 'c.name', 'm.id as membership_id', 'm.is_owner', 'm.workspace_id', 'r.name as role')
    : await db(`${T.memberships} as m`)
        .join(`${T.companies} as c`, 'c.id', 'm.company_id')
        .leftJoin(`${T.roles} as r`, 'r.id', 'm.role_id')
        .where({ 'm.user_id': user.id, 'm.status': 'active', 'c.is_active': true })
        .whereNull('m.deleted_at')
        .whereNull('c.deleted_at')
        .orderBy('c.code')
        .select('c.id', 'c.code', 'c.name', 'm.id as membership_id', 'm.is_owner', 'm.workspace_id', 'r.name as role');
  const keyAllowed = p.allowedCompanyIds ?? null;
  const companies = [];
  for (const r of rows) {
    if (keyAllowed && !keyAllowed.includes(r.id)) continue;
    companies.push({
      id: r.id,
      code: r.code,
      name: r.name,
      role: membershipRole(r.role, Boolean(r.is_owner)),
      is_owner: Boolean(r.is_owner),
      workspaces: await workspaces(db, r.id, r.workspace_id ?? null),
      products: await products(db, r.id, r.membership_id ?? null, user.is_superuser, now),
    });
  }
  const profile = await db(T.developerProfiles).where({ user_id: user.id }).whereNull('deleted_at').orderBy('id').first();
  return { body: { user: publicUser(user), developer_profile: profile ?? null, companies } };
}

async function workspaces(db: Knex, companyId: number, only: number | null) {
  const q = db(T.workspaces).where({ company_id: companyId, is_active: true }).whereNull('deleted_at').orderBy('name');
  if (only) q.andWhere('id', only);
  return q.select('id', 'name', 'slug', 'is_default');
}

/** Products open by subscription, narrowed by the membership's product-access rows when it has any. */
async function products(db: Knex, companyId: number, membershipId: number | null, superuser: boolean, now: number): Promise<string[]> {
  const open = openProducts(await loadSubscriptions(db, companyId), now);
  if (membershipId && !superuser) {
    const access: { code: string; is_enabled: boolean }[] = await db(`${T.productAccess} as a`)
      .join(`${T.products} as p`, 'p.id', 'a.product_id')
      .where('a.membership_id', membershipId)
      .whereNull('a.deleted_at')
      .select('p.code', 'a.is_enabled');
    if (access.length) {
      const enabled = new Set(access.filter((x) => x.is_enabled).map((x) => x.code));
      return [...open].filter((c) => enabled.has(c)).sort();
    }
  }
  return [...open].sort();
}
