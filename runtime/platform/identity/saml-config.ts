/**
 * A tenant's SAML 2.0 identity providers, from its auth config (PATCH /v1/auth-config):
 *   {"saml": {"okta": {"entry_point": "https://idp.example/sso/saml", "idp_cert": "<PEM or base64>",
 *                      "idp_issuer": "http://www.okta.com/…", "email_attribute": "email",
 *                      "want_response_signed": true, "redirect_urls": ["https://app.example.com/"]}}}
 * `sp_private_key` / `sp_certificate` may be given (the key is sealed at rest); otherwise a key pair and
 * a self-signed certificate are made on first use and kept sealed in pf_records (kind `saml_sp_keys`).
 * The service provider is named per tenant and provider: entity id = the metadata URL, ACS = the acs
 * URL, both carrying `?tenant_id=tn_…` because the IdP's browser POST carries no key.
 */
import type { ActionContext } from '../../runtime-api.ts';
import { ApiError } from '../../http/api-error.ts';
import { seal, unseal } from '../../secrets/seal.ts';
import { newId } from '../../security/random-ids.ts';
import { T } from '../tables.ts';
import { providerEntry } from './provider-entry.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import { isCertificate, newSigningPair } from './signing-keys.ts';

export const SP_KEYS = 'saml_sp_keys';

export interface SamlProvider {
  readonly name: string;
  readonly entry: Readonly<Record<string, unknown>>;
  readonly entityId: string;
  readonly acsUrl: string;
  readonly metadataUrl: string;
}

export interface SamlIdp {
  readonly entryPoint: string;
  readonly idpCert: string;
  readonly idpIssuer?: string;
  readonly emailAttribute: string | null;
  readonly wantResponseSigned: boolean;
}

const CONFIGURE = (p: string) =>
  `PATCH /v1/auth-config with {"saml":{"${p}":{"entry_point":"https://<your IdP's SSO URL>","idp_cert":"<the IdP's signing certificate, PEM>"}}}`;

export function samlNotConfigured(provider: string, why: string): ApiError {
  return new ApiError(
    409,
    'saml_not_configured',
    `SAML sign-in with "${provider}" is not configured for this tenant (${why}). Configure it: ${CONFIGURE(provider)}.`,
  );
}

/** The provider's entry and the SP's own URLs; 409 when the tenant has no `saml.<provider>` entry. */
export async function samlProvider(a: ActionContext, tenant: number, name: string): Promise<SamlProvider> {
  const entry = await providerEntry(a, tenant, 'saml', name, {
    unknownName: new ApiError(
      400,
      'saml_provider_unknown',
      'A SAML provider name is lower-case letters, digits, - and _ (a name from auth-config saml).',
    ),
    notConfigured: (why) => samlNotConfigured(name, why),
  });
  const base = typeof entry.sp_base_url === 'string' && URL.canParse(entry.sp_base_url) ? entry.sp_base_url : a.baseUrl;
  const url = (leaf: string) => {
    const u = new URL(`${a.ctx.basePath.replace(/\/?$/, '/')}auth/saml/${encodeURIComponent(name)}/${leaf}`, base);
    u.searchParams.set('tenant_id', tenantPublicId(tenant));
    return u.href;
  };
  const metadataUrl = url('metadata');
  const entityId = typeof entry.sp_entity_id === 'string' && entry.sp_entity_id.trim() ? entry.sp_entity_id.trim() : metadataUrl;
  return { name, entry, entityId, acsUrl: url('acs'), metadataUrl };
}

/** What login and ACS need from the IdP; 409 naming the missing keys. */
export function samlIdp(p: SamlProvider): SamlIdp {
  const e = p.entry;
  const missing: string[] = [];
  if (typeof e.entry_point !== 'string' || !URL.canParse(e.entry_point)) missing.push("entry_point (the IdP's SSO URL)");
  if (typeof e.idp_cert !== 'string' || !isCertificate(e.idp_cert)) missing.push("idp_cert (the IdP's X.509 signing certificate)");
  if (missing.length) throw samlNotConfigured(p.name, `missing or invalid ${missing.join(' and ')}`);
  return {
    entryPoint: e.entry_point as string,
    idpCert: e.idp_cert as string,
    idpIssuer: typeof e.idp_issuer === 'string' && e.idp_issuer ? e.idp_issuer : undefined,
    emailAttribute: typeof e.email_attribute === 'string' && e.email_attribute ? e.email_attribute : null,
    wantResponseSigned: e.want_response_signed !== false,
  };
}

/** The SP's signing key and certificate: the configured ones, else the kept generated pair (made now if there is none). */
export async function spKeys(a: ActionContext, tenant: number, p: SamlProvider): Promise<{ privateKey: string; certificate: string }> {
  const e = p.entry;
  if (typeof e.sp_private_key === 'string' && typeof e.sp_certificate === 'string' && isCertificate(e.sp_certificate)) {
    return { privateKey: unseal(e.sp_private_key), certificate: e.sp_certificate };
  }
  const kept = () =>
    a.trx(T.records).where({ company_id: tenant, kind: SP_KEYS, parent_id: p.name }).orderBy('created_at').orderBy('id').first('data');
  let row = await kept();
  if (!row) {
    const pair = await newSigningPair(`${p.name} SAML SP (${tenantPublicId(tenant)})`);
    await a.trx(T.records).insert({
      id: newId('spk'),
      company_id: tenant,
      kind: SP_KEYS,
      parent_id: p.name,
      data: JSON.stringify({ private_key: seal(pair.privateKeyPem), certificate: pair.certificatePem }),
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    row = await kept();
  }
  return { privateKey: unseal(String(row.data.private_key)), certificate: String(row.data.certificate) };
}
