/**
 * SAML 2.0 service provider through @node-saml/node-saml (the platform API document's "SAML / SSO"):
 * - metadata: the SP's EntityDescriptor (entity id, ACS URL, signing certificate) for the IdP's console;
 * - login: 302 to the IdP with an AuthnRequest signed by the SP's key (HTTP-Redirect binding); the
 *   request id is kept (pf_records `saml_requests`, 10 minutes) so only answers to it are accepted;
 * - acs: the IdP's browser POST (form-encoded `SAMLResponse`, `RelayState`). The library checks the XML
 *   signatures against the IdP certificate, the audience (our entity id), the time window
 *   (NotBefore/NotOnOrAfter, 30 s skew) and InResponseTo (consumed on use); here the bearer
 *   confirmation's Recipient must be our ACS URL and each assertion id is accepted once
 *   (`saml_assertions`, kept until the assertion expires). Then the tenant user is found or created
 *   and the session answered, or the browser sent to the login's `redirect_to` with the tokens in the fragment.
 * Refusals are answered (401 SAML_RESPONSE_INVALID with the reason), so a consumed request id stays consumed.
 */
import { SAML, ValidateInResponseTo, type CacheItem, type CacheProvider, type Profile } from '@node-saml/node-saml';
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { ApiError, badRequest, validation } from '../../http/api-error.ts';
import { asObject, bodyOf, param } from '../http/action-context.ts';
import type { PlatformPrincipal } from '../auth/platform-auth-provider.ts';
import { readSetting } from '../settings/settings-documents.ts';
import { tenantNamed } from '../tenants/tenant-info.ts';
import { redirect, refusal, signedInAnswer } from './answers.ts';
import { peekOnce, putOnce, pruneExpired, takeOnce } from './one-time-records.ts';
import { samlIdp, samlProvider, spKeys, type SamlProvider } from './saml-config.ts';
import { sessionFor, userForIdentity, type OutsideIdentity } from './sign-in.ts';
import { newToken } from '../../security/random-ids.ts';

const REQUESTS = 'saml_requests';
const RELAYS = 'saml_relays';
const ASSERTIONS = 'saml_assertions';
const REQUEST_TTL_MS = 10 * 60 * 1000;
const MAX_ASSERTION_KEEP_MS = 24 * 3600 * 1000;
const CLOCK_SKEW_MS = 30_000;

/** The tenant a public SAML call is for: `?tenant_id=` (tn_…, slug or number), else the caller's key or token. */
async function samlTenant(a: ActionContext): Promise<number> {
  const key = (a.query as Record<string, unknown>).tenant_id;
  if (typeof key === 'string' && key.trim()) {
    const t = await tenantNamed(a, key.trim());
    if (!t || t.status !== 'active') throw new ApiError(400, 'tenant_not_found', 'No active tenant has this tenant_id.');
    return Number(t.id);
  }
  const p = a.ctx.principal as PlatformPrincipal | null;
  if (p?.tenantId) return p.tenantId;
  throw badRequest(
    'Name the tenant: ?tenant_id=tn_… (the SP metadata shows the exact URLs), or a tenant API key as Bearer.',
    'tenant_required',
  );
}

/** node-saml's request-id cache, kept in pf_records of the tenant so every process sees the same ids. */
class RequestIds implements CacheProvider {
  constructor(
    private readonly a: ActionContext,
    private readonly tenant: number,
    private readonly provider: string,
  ) {}
  async saveAsync(key: string, value: string): Promise<CacheItem | null> {
    // `value` is the request's instant; the library reads it back to apply requestIdExpirationPeriodMs.
    await putOnce(this.a.trx, this.tenant, REQUESTS, this.provider, key, REQUEST_TTL_MS, { value });
    return { value, createdAt: Date.now() };
  }
  async getAsync(key: string): Promise<string | null> {
    const data = await peekOnce(this.a.trx, REQUESTS, key, this.tenant);
    return typeof data?.value === 'string' ? data.value : null;
  }
  async removeAsync(key: string | null): Promise<string | null> {
    return key && (await takeOnce(this.a.trx, REQUESTS, key, this.tenant)) ? key : null;
  }
}

async function samlFor(a: ActionContext, tenant: number, p: SamlProvider, withIdp: boolean): Promise<{ saml: SAML; certificate: string }> {
  const keys = await spKeys(a, tenant, p);
  const idp = withIdp ? samlIdp(p) : null;
  const saml = new SAML({
    issuer: p.entityId,
    callbackUrl: p.acsUrl,
    audience: p.entityId,
    // Metadata needs no IdP yet; the certificate given here is then never used to verify anything.
    idpCert: idp?.idpCert ?? keys.certificate,
    entryPoint: idp?.entryPoint,
    idpIssuer: idp?.idpIssuer,
    privateKey: keys.privateKey,
    publicCert: keys.certificate,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: idp?.wantResponseSigned ?? true,
    validateInResponseTo: ValidateInResponseTo.always,
    requestIdExpirationPeriodMs: REQUEST_TTL_MS,
    cacheProvider: new RequestIds(a, tenant, p.name),
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    identifierFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
    disableRequestedAuthnContext: true,
  });
  return { saml, certificate: keys.certificate };
}

/** `redirect_to` must lie under the provider's or the auth config's `redirect_urls` (same origin and path prefix). */
async function allowedRedirect(a: ActionContext, tenant: number, p: SamlProvider, target: unknown): Promise<string | null> {
  if (target === undefined || target === null || target === '') return null;
  const doc = await readSetting(a, tenant, 'auth_config', null);
  const allowed = [doc.redirect_urls, p.entry.redirect_urls]
    .flatMap((l) => (Array.isArray(l) ? l : []))
    .filter((u): u is string => typeof u === 'string' && URL.canParse(u));
  const url = typeof target === 'string' && URL.canParse(target) ? new URL(target) : null;
  const under = (base: string) => url !== null && url.origin === new URL(base).origin && url.pathname.startsWith(new URL(base).pathname);
  if (!url || !allowed.some(under)) throw validation({ redirect_to: ['must lie under one of auth-config redirect_urls'] });
  return url.href;
}

type Xml = Record<string, any>;
const first = (v: unknown): Xml | undefined => (Array.isArray(v) ? v[0] : undefined);
const text = (v: unknown): string | null => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : typeof x?._ === 'string' ? x._ : null;
};

/** Checks the library leaves to the SP: a bearer confirmation addressed to our ACS URL. Returns the assertion's id and end. */
function addressedToUs(profile: Profile, acsUrl: string): { id: string; notOnOrAfter: number | null } {
  const assertion = asObject(profile.getAssertion?.()).Assertion as Xml | undefined;
  const id = assertion?.$?.ID;
  if (typeof id !== 'string' || !id) throw new Error('The assertion has no ID.');
  const confirmations: Xml[] = first(assertion?.Subject)?.SubjectConfirmation ?? [];
  const data = confirmations.map((c) => first(c.SubjectConfirmationData)?.$ ?? {});
  if (!data.some((d) => d.Recipient === acsUrl)) {
    throw new Error(
      `The assertion is addressed to another recipient (${data.map((d) => d.Recipient ?? 'none').join(', ')}), not this ACS URL.`,
    );
  }
  const ends = [...data.map((d) => d.NotOnOrAfter), first(assertion?.Conditions)?.$?.NotOnOrAfter].filter(
    (s): s is string => typeof s === 'string',
  );
  const times = ends.map((s) => Date.parse(s)).filter(Number.isFinite);
  return { id, notOnOrAfter: times.length ? Math.min(...times) : null };
}

function identityOf(p: SamlProvider, profile: Profile, emailAttribute: string | null): OutsideIdentity {
  const attrs = profile as unknown as Record<string, unknown>;
  const candidates = [
    emailAttribute ? attrs[emailAttribute] : undefined,
    profile.email,
    profile.mail,
    attrs['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress'],
    profile.nameIDFormat?.endsWith(':emailAddress') ? profile.nameID : undefined,
  ];
  const email =
    candidates.map((c) => (Array.isArray(c) ? c[0] : c)).find((c): c is string => typeof c === 'string' && c.includes('@')) ?? null;
  const name =
    [attrs.displayName, attrs.name, attrs['http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name']].find(
      (c): c is string => typeof c === 'string',
    ) ?? null;
  // The IdP the tenant trusts asserts the address: it is taken as verified, as SAML has no separate claim for it.
  return { provider: `saml:${p.name}`, subject: `${profile.issuer}|${profile.nameID}`, email, emailVerified: email !== null, name };
}

/** The library's words, with what its subject-confirmation message means here. */
function reason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return /No valid subject confirmation/.test(m)
    ? `${m} (the assertion's time window has passed or not begun, or it answers another request)`
    : m;
}

export const samlActions = {
  samlMetadata: async (a) => {
    const tenant = await samlTenant(a);
    const p = await samlProvider(a, tenant, param(a, 'provider'));
    const { saml, certificate } = await samlFor(a, tenant, p, false);
    const xml = saml.generateServiceProviderMetadata(null, certificate);
    return { buffer: Buffer.from(xml), contentType: 'application/samlmetadata+xml' };
  },

  samlLoginRedirect: async (a) => {
    const tenant = await samlTenant(a);
    const p = await samlProvider(a, tenant, param(a, 'provider'));
    const redirectTo = await allowedRedirect(a, tenant, p, (a.query as Record<string, unknown>).redirect_to);
    const { saml } = await samlFor(a, tenant, p, true);
    await pruneExpired(a.trx, tenant, REQUESTS);
    await pruneExpired(a.trx, tenant, ASSERTIONS);
    let relay = '';
    if (redirectTo) {
      relay = newToken('rs_', 18);
      await putOnce(a.trx, tenant, RELAYS, p.name, relay, REQUEST_TTL_MS, { redirect_to: redirectTo });
    }
    return redirect(await saml.getAuthorizeUrlAsync(relay, undefined, {}));
  },

  samlAcs: async (a): Promise<ActionResult> => {
    const tenant = await samlTenant(a);
    const p = await samlProvider(a, tenant, param(a, 'provider'));
    const b = bodyOf(a);
    if (typeof b.SAMLResponse !== 'string' || !b.SAMLResponse)
      throw validation({ SAMLResponse: ['is required (the IdP posts it form-encoded)'] });
    const idp = samlIdp(p);
    const { saml } = await samlFor(a, tenant, p, true);
    let profile: Profile;
    let assertion: { id: string; notOnOrAfter: number | null };
    try {
      const result = await saml.validatePostResponseAsync({ SAMLResponse: b.SAMLResponse });
      if (!result.profile) throw new Error('The response holds no assertion.');
      profile = result.profile;
      assertion = addressedToUs(profile, p.acsUrl);
    } catch (e) {
      return refusal(a, 401, 'saml_response_invalid', `The SAML response was refused: ${reason(e)}`);
    }
    if (await peekOnce(a.trx, ASSERTIONS, `${profile.issuer}|${assertion.id}`, tenant)) {
      return refusal(a, 401, 'saml_response_invalid', 'The SAML response was refused: this assertion was used already (replay).');
    }
    const keep = Math.min(Math.max((assertion.notOnOrAfter ?? 0) - Date.now() + CLOCK_SKEW_MS, REQUEST_TTL_MS), MAX_ASSERTION_KEEP_MS);
    await putOnce(a.trx, tenant, ASSERTIONS, p.name, `${profile.issuer}|${assertion.id}`, keep);
    const relay = typeof b.RelayState === 'string' && b.RelayState ? await takeOnce(a.trx, RELAYS, b.RelayState, tenant) : null;
    let session;
    try {
      // A savepoint: a refused user leaves the consumed request and assertion ids in place.
      session = await a.trx.transaction(async (trx) => {
        const t: ActionContext = { ...a, trx };
        return sessionFor(t, tenant, await userForIdentity(t, tenant, identityOf(p, profile, idp.emailAttribute)));
      });
    } catch (e) {
      if (e instanceof ApiError) return refusal(a, e.status, e.code, e.message);
      throw e;
    }
    return signedInAnswer(session, relay && !relay.expired ? relay.data.redirect_to : undefined);
  },
} satisfies Record<string, ActionHandler>;
