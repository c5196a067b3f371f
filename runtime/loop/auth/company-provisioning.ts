/**
 * What `register` with a `company_name` and a signed-in user's `POST /companies/` create: the company
 * with the next free code (`001`, `002`, …; codes are never reused), an `admin` role holding `*`, the
 * owner membership, and a subscription to the catalogue's default plan (the seed's `trial`: every product for 30 days).
 */
import type { Knex } from 'knex';
import { ADMIN_ROLE } from '../tenancy/permissions.ts';
import { T } from './loop-schema.ts';

export async function nextCompanyCode(trx: Knex): Promise<string> {
  // Serialise allocation so two registrations never pick the same code.
  await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['loop:company-code']);
  const row = await trx(T.companies)
    .whereRaw("code ~ '^[0-9]+$'")
    .max({ n: trx.raw('code::int') })
    .first();
  const n = Number(row?.n ?? 0) + 1;
  return String(n).padStart(3, '0');
}

export function slugify(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || 'company'
  );
}

/** The name's slug, or with the code appended when another company has it. */
async function freeSlug(trx: Knex, name: string, code: string): Promise<string> {
  const base = slugify(name);
  const taken = await trx(T.companies).where({ slug: base }).first('id');
  return taken ? `${base}-${code}` : base;
}

export interface ProvisionedCompany {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly slug: string;
}

/**
 * `columns`: further company columns the caller chose (`POST /companies/` sends the resource's fields);
 * the code is always the next free one, and a given slug is kept as sent (a taken one is the caller's 400).
 */
export async function provisionCompany(
  trx: Knex,
  opts: {
    name: string;
    ownerId: number;
    email?: string | null;
    now: Date;
    columns?: Readonly<Record<string, unknown>>;
  },
): Promise<{
  company: ProvisionedCompany;
  membershipId: number;
  roleId: number;
  subscriptionId: number | null;
}> {
  const { now, ownerId } = opts;
  const stamp = { created_at: now, updated_at: now, created_by: ownerId };
  const code = await nextCompanyCode(trx);
  const slug = typeof opts.columns?.slug === 'string' ? opts.columns.slug : await freeSlug(trx, opts.name, code);
  const [company] = await trx(T.companies)
    .insert({ email: opts.email ?? null, ...opts.columns, code, name: opts.name, slug, is_active: true, ...stamp })
    .returning(['id', 'code', 'name', 'slug']);
  const [role] = await trx(T.roles)
    .insert({
      company_id: company.id,
      name: ADMIN_ROLE,
      description: 'Full access to the company.',
      permissions: JSON.stringify(['*']),
      is_system: true,
      ...stamp,
    })
    .returning('id');
  const [membership] = await trx(T.memberships)
    .insert({ company_id: company.id, user_id: ownerId, role_id: role.id, status: 'active', is_owner: true, joined_at: now, ...stamp })
    .returning('id');
  const subscriptionId = await subscribeDefaultPlan(trx, company.id, ownerId, now);
  return { company, membershipId: membership.id, roleId: role.id, subscriptionId };
}

/** Subscribes the company to the default plan; null when the catalogue declares none. */
export async function subscribeDefaultPlan(trx: Knex, companyId: number, actorId: number, now: Date): Promise<number | null> {
  const plan = await trx(T.subscriptionPlans)
    .where({ is_default: true, is_active: true })
    .whereNull('deleted_at')
    .orderBy('id')
    .first('id', 'trial_days', 'products');
  if (!plan) return null;
  const trialDays = Number(plan.trial_days ?? 0);
  const trialEnds = trialDays > 0 ? new Date(now.getTime() + trialDays * 86_400_000) : null;
  const products = typeof plan.products === 'string' ? plan.products : JSON.stringify(plan.products ?? []);
  const [sub] = await trx(T.companySubscriptions)
    .insert({
      company_id: companyId,
      plan_id: plan.id,
      status: trialEnds ? 'trialing' : 'active',
      starts_at: now,
      ends_at: trialEnds,
      trial_ends_at: trialEnds,
      auto_renew: true,
      products,
      created_at: now,
      updated_at: now,
      created_by: actorId,
    })
    .returning('id');
  return sub.id;
}
