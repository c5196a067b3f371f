/**
 * Decides the tenant of a request (docs/api/loop-api.txt, "Tenant Rules"): `X-Company-ID` names a company by code;
 * a non-superuser reaches it only with an active membership AND an open subscription to the product
 * AND, where product-access rows exist for the membership, an enabled row for that product. A key may
 * only act for its allowed companies. One reachable company → the header may be omitted; several → 400.
 *
 * Answers are cached for a few seconds per company/user; writers call `invalidate*` (docs/architecture.md, "Performance").
 */
import type { Knex } from 'knex';
import { T } from '../auth/loop-schema.ts';
import { ApiError } from '../../http/api-error.ts';
import type { Principal, TenantContext } from '../../runtime-api.ts';
import { ALL_PERMISSIONS, membershipRole, permissionSet } from './permissions.ts';
import { loadSubscriptions, type SubscriptionRow, openProducts } from './subscriptions.ts';
import { TtlCache } from './ttl-cache.ts';

export const TENANT_HEADER = 'X-Company-ID';

interface CompanyRow {
  readonly id: number;
  readonly code: string;
  readonly is_active: boolean;
}

interface MembershipAnswer {
  readonly role: string | null;
  readonly permissions: ReadonlySet<string>;
  /** Product code → enabled, or null when the membership has no product-access rows (all allowed). */
  readonly productAccess: ReadonlyMap<string, boolean> | null;
}

export interface TenantResolverOptions {
  readonly ttlMs?: number;
  readonly now?: () => number;
}

export class TenantResolver {
  private readonly now: () => number;
  private readonly companies: TtlCache<string, CompanyRow | null>;
  private readonly reachable: TtlCache<number, readonly CompanyRow[]>;
  private readonly memberships: TtlCache<string, MembershipAnswer | null>;
  private readonly subscriptions: TtlCache<number, readonly SubscriptionRow[]>;

  constructor(
    private readonly db: Knex,
    opts: TenantResolverOptions = {},
  ) {
    const ttl = opts.ttlMs ?? 5_000;
    this.now = opts.now ?? Date.now;
    this.companies = new TtlCache(ttl, 10_000, this.now);
    this.reachable = new TtlCache(ttl, 50_000, this.now);
    this.memberships = new TtlCache(ttl, 50_000, this.now);
    this.subscriptions = new TtlCache(ttl, 10_000, this.now);
  }

  async resolve(principal: Principal, headerCode: string | null | undefined, product: string | null): Promise<TenantContext> {
    const code = headerCode?.trim() || null;
    const company = code ? await this.companyByCode(code) : await this.onlyCompany(principal);
    if (!company || !company.is_active) {
      throw new ApiError(403, 'company_access_denied', `You do not have access to company ${code ?? ''}.`.replace(' .', '.'));
    }
    if (principal.allowedCompanyIds && !principal.allowedCompanyIds.includes(company.id)) {
      throw new ApiError(403, 'api_key_company_not_allowed', `This API key is not allowed for company ${company.code}.`);
    }
    if (principal.isSuperuser) {
      return { companyId: company.id, companyCode: company.code, role: null, permissions: ALL_PERMISSIONS };
    }
    const m = await this.membership(Number(principal.userId), company.id);
    if (!m) throw new ApiError(403, 'company_access_denied', `You do not have access to company ${company.code}.`);
    if (product) {
      const subs = await this.subscriptions.getOrLoad(company.id, () => loadSubscriptions(this.db, company.id));
      if (!openProducts(subs, this.now()).has(product)) {
        throw new ApiError(403, 'subscription_required', `Company ${company.code} has no active subscription to ${product}.`);
      }
      if (m.productAccess && m.productAccess.get(product) !== true) {
        throw new ApiError(403, 'product_access_denied', `You do not have access to ${product} in company ${company.code}.`);
      }
    }
    return { companyId: company.id, companyCode: company.code, role: m.role, permissions: m.permissions };
  }

  /** Companies where the user has an active membership (active companies only), ordered by code. */
  async reachableCompanies(userId: number): Promise<readonly CompanyRow[]> {
    return this.reachable.getOrLoad(userId, () =>
      this.db(`${T.memberships} as m`)
        .join(`${T.companies} as c`, 'c.id', 'm.company_id')
        .where({ 'm.user_id': userId, 'm.status': 'active', 'c.is_active': true })
        .whereNull('m.deleted_at')
        .whereNull('c.deleted_at')
        .orderBy('c.code')
        .select('c.id', 'c.code', 'c.is_active'),
    );
  }

  invalidateUser(userId: number): void {
    this.reachable.delete(userId);
    this.memberships.clear();
  }

  invalidateCompany(companyId: number): void {
    this.subscriptions.delete(companyId);
    this.companies.clear();
    this.memberships.clear();
  }

  clear(): void {
    this.companies.clear();
    this.reachable.clear();
    this.memberships.clear();
    this.subscriptions.clear();
  }

  private companyByCode(code: string): Promise<CompanyRow | null> {
    return this.companies.getOrLoad(
      code,
      async () => (await this.db(T.companies).where({ code }).whereNull('deleted_at').first('id', 'code', 'is_active')) ?? null,
    );
  }

  /** The header may be omitted when the caller reaches exactly one company. */
  private async onlyCompany(principal: Principal): Promise<CompanyRow> {
    let list = principal.isSuperuser ? [] : [...(await this.reachableCompanies(Number(principal.userId)))];
    if (principal.allowedCompanyIds) list = list.filter((c) => principal.allowedCompanyIds!.includes(c.id));
    if (list.length === 1) return list[0]!;
    if (list.length === 0 && !principal.isSuperuser) {
      throw new ApiError(403, 'no_company_access', 'You are not an active member of any company.');
    }
    throw new ApiError(
      400,
      'company_header_required',
      `The ${TENANT_HEADER} header is required: choose one of your companies by its code.`,
    );
  }

  private membership(userId: number, companyId: number): Promise<MembershipAnswer | null> {
    return this.memberships.getOrLoad(`${userId}:${companyId}`, async () => {
      const row = await this.db(`${T.memberships} as m`)
        .leftJoin(`${T.roles} as r`, function () {
          this.on('r.id', '=', 'm.role_id').andOnNull('r.deleted_at');
        })
        .where({ 'm.user_id': userId, 'm.company_id': companyId, 'm.status': 'active' })
        .whereNull('m.deleted_at')
        .first('m.id', 'm.is_owner', 'r.name as role_name', 'r.permissions as role_permissions');
      if (!row) return null;
      // A grant past its `expires_at` counts as disabled (spec/loop/core.yaml, product-access).
      const access: { code: string; is_enabled: boolean }[] = await this.db(`${T.productAccess} as a`)
        .join(`${T.products} as p`, 'p.id', 'a.product_id')
        .where('a.membership_id', row.id)
        .whereNull('a.deleted_at')
        .select('p.code', this.db.raw('(a.is_enabled and (a.expires_at is null or a.expires_at > now())) as is_enabled'));
      const role = membershipRole(row.role_name, Boolean(row.is_owner));
      return {
        role,
        permissions: permissionSet({ name: role, permissions: row.role_permissions }, Boolean(row.is_owner)),
        productAccess: access.length ? new Map(access.map((a) => [a.code, Boolean(a.is_enabled)])) : null,
      };
    });
  }
}
