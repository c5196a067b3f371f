/**
 * What a successful passkey, OAuth or SAML sign-in ends with: the same session body as
 * /v1/auth/login (runtime/platform/auth/end-user-tokens.ts), and for OAuth/SAML the tenant user the
 * outside identity belongs to. Links are pf_records rows of kind `sso_identities` (parent = user id,
 * data = {provider, subject}); a first sign-in links by e-mail only when the provider vouches that
 * the address is verified, else a new user would take over an existing account.
 */
import type { ActionContext } from '../../runtime-api.ts';
import { ApiError } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { issueTokens, type IssuedTokens } from '../auth/end-user-tokens.ts';
import { jwtKeyFor } from '../auth/jwt-key.ts';

export const SSO_IDENTITIES = 'sso_identities';

export async function sessionFor(a: ActionContext, tenant: number, user: Record<string, unknown>): Promise<IssuedTokens> {
  await a.trx(T.users).where({ id: user.id }).update({ last_sign_in_at: new Date().toISOString() });
  return issueTokens(
    a.trx,
    jwtKeyFor(a.ctx.db),
    { id: String(user.id), email: String(user.email), role: String(user.role), companyId: tenant },
    { ip: a.ctx.ip, userAgent: a.ctx.userAgent ?? undefined },
  );
}

export interface OutsideIdentity {
  /** `oauth:<provider>` or `saml:<provider>`. */
  readonly provider: string;
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly name?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The tenant user of this identity: the linked one, else the verified-e-mail match (then linked), else a new user. */
export async function userForIdentity(a: ActionContext, tenant: number, who: OutsideIdentity): Promise<Record<string, any>> {
  const link = await a
    .trx(T.records)
    .where({ company_id: tenant, kind: SSO_IDENTITIES })
    .whereRaw("data->>'provider' = ? and data->>'subject' = ?", [who.provider, who.subject])
    .first('parent_id');
  if (link) {
    const linked = await a.trx(T.users).where({ id: link.parent_id, company_id: tenant }).first();
    if (linked) return linked;
  }
  const email = who.email?.trim().toLowerCase() ?? '';
  if (!EMAIL.test(email)) {
    throw new ApiError(
      422,
      'sso_email_missing',
      'The identity provider did not share an e-mail address; allow the e-mail scope or claim for this app.',
    );
  }
  let user = await a.trx(T.users).where({ company_id: tenant, email }).first();
  if (user && !who.emailVerified) {
    throw new ApiError(
      409,
      'sso_email_unverified',
      'A user with this e-mail exists, and the identity provider does not vouch that the address is verified; sign in as that user and link the provider, or verify the address with the provider.',
    );
  }
  if (!user) {
    const id = newId('usr');
    await a.trx(T.users).insert({
      id,
      company_id: tenant,
      email,
      password: null,
      phone: null,
      role: 'authenticated',
      email_verified: who.emailVerified,
      phone_verified: false,
      banned: false,
      user_metadata: JSON.stringify(who.name ? { name: who.name } : {}),
      created_by: null,
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    user = await a.trx(T.users).where({ id }).first();
  }
  await a.trx(T.records).insert({
    id: newId('sso'),
    company_id: tenant,
    kind: SSO_IDENTITIES,
    parent_id: String(user.id),
    data: JSON.stringify({ provider: who.provider, subject: who.subject, email }),
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
  return user;
}
