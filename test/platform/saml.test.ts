/**
 * SAML 2.0 SP end to end through the generated platform server: SP metadata, a login redirect whose
 * AuthnRequest signature verifies with the metadata's certificate, and responses signed in the test
 * with an IdP key and certificate made here (xml-crypto, as an IdP signs). Refusals: tampered,
 * expired, replayed (same response, same assertion id), wrong audience, wrong recipient, unknown
 * request, unconfigured provider. The SP's private key is sealed at rest.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { randomBytes, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { SignedXml } from 'xml-crypto';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { newSigningPair, type SigningPair } from '../../runtime/platform/identity/signing-keys.ts';
import { createPlatformKey } from '../../runtime/platform/index.ts';
import { tenantPublicId } from '../../runtime/platform/tenants/public-id.ts';
import { client } from './helpers.ts';

const IDP_ENTITY = 'https://idp.saml.test/metadata';
const IDP_SSO = 'https://idp.saml.test/sso';

let svc: TestService;
let app: ReturnType<typeof client>;
let idp: SigningPair;
let tenantId: string;

beforeAll(async () => {
  svc = await startTestService('platform');
  const made = await createPlatformKey(svc.db, { tenant: 'saml-co' });
  app = client(svc, made.key);
  tenantId = tenantPublicId(made.tenantId);
  idp = await newSigningPair('test IdP');
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

const get = (path: string) => fetch(svc.api + path, { redirect: 'manual' });

async function metadata(): Promise<{ xml: string; entityId: string; acs: string; spKey: KeyObject }> {
  const res = await get(`auth/saml/okta/metadata?tenant_id=${tenantId}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('samlmetadata+xml');
  const xml = await res.text();
  const entityId = /entityID="([^"]+)"/.exec(xml)![1]!.replace(/&amp;/g, '&');
  const acs = /AssertionConsumerService[^>]*Location="([^"]+)"/.exec(xml)![1]!.replace(/&amp;/g, '&');
  const body = /<(?:ds:)?X509Certificate>([^<]+)</.exec(xml)![1]!.replace(/\s+/g, '');
  return { xml, entityId, acs, spKey: new X509Certificate(Buffer.from(body, 'base64')).publicKey };
}

/** Starts a login; checks the redirect's signature with the SP certificate and answers the AuthnRequest's id. */
async function login(spKey: KeyObject, query = ''): Promise<{ requestId: string; relay: string | null }> {
  const res = await get(`auth/saml/okta/login?tenant_id=${tenantId}${query}`);
  expect(res.status).toBe(302);
  const location = res.headers.get('location')!;
  expect(location.startsWith(`${IDP_SSO}?`)).toBe(true);
  const raw = Object.fromEntries(
    location
      .split('?')[1]!
      .split('&')
      .map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]),
  );
  const signed = ['SAMLRequest', 'RelayState', 'SigAlg']
    .filter((k) => raw[k] !== undefined)
    .map((k) => `${k}=${raw[k]}`)
    .join('&');
  expect(decodeURIComponent(raw.SigAlg!)).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
  expect(verify('sha256', Buffer.from(signed), spKey, Buffer.from(decodeURIComponent(raw.Signature!), 'base64'))).toBe(true);
  const request = inflateRawSync(Buffer.from(decodeURIComponent(raw.SAMLRequest!), 'base64')).toString();
  expect(request).toContain('AuthnRequest');
  return { requestId: /\sID="([^"]+)"/.exec(request)![1]!, relay: raw.RelayState ? decodeURIComponent(raw.RelayState) : null };
}

interface Shape {
  inResponseTo: string;
  audience: string;
  recipient: string;
  email?: string;
  assertionId?: string;
  notBefore?: Date;
  notOnOrAfter?: Date;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A Response with one Assertion, both signed by the IdP key (enveloped, exc-c14n, RSA-SHA256). */
function samlResponse(s: Shape, tamper?: (xml: string) => string): string {
  const now = new Date();
  const before = s.notBefore ?? new Date(now.getTime() - 60_000);
  const after = s.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const email = s.email ?? 'sam@example.com';
  const aid = s.assertionId ?? `_a${randomBytes(8).toString('hex')}`;
  const rid = `_r${randomBytes(8).toString('hex')}`;
  const assertion =
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${aid}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${IDP_ENTITY}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${email}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${s.inResponseTo}" NotOnOrAfter="${iso(after)}" Recipient="${s.recipient.replace(/&/g, '&amp;')}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(before)}" NotOnOrAfter="${iso(after)}"><saml:AudienceRestriction><saml:Audience>${s.audience.replace(/&/g, '&amp;')}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${aid}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement><saml:Attribute Name="email"><saml:AttributeValue>${email}</saml:AttributeValue></saml:Attribute>` +
    `<saml:Attribute Name="displayName"><saml:AttributeValue>Sam Saml</saml:AttributeValue></saml:Attribute></saml:AttributeStatement>` +
    `</saml:Assertion>`;
  let xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${rid}" Version="2.0" IssueInstant="${iso(now)}" Destination="${s.recipient.replace(/&/g, '&amp;')}" InResponseTo="${s.inResponseTo}">` +
    `<saml:Issuer>${IDP_ENTITY}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertion}</samlp:Response>`;
  const sign = (doc: string, element: string) => {
    const sig = new SignedXml({
      privateKey: idp.privateKeyPem,
      publicCert: idp.certificatePem,
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
    });
    sig.addReference({
      xpath: `//*[local-name(.)='${element}']`,
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    });
    sig.computeSignature(doc, { location: { reference: `//*[local-name(.)='${element}']/*[local-name(.)='Issuer']`, action: 'after' } });
    return sig.getSignedXml();
  };
  xml = sign(sign(xml, 'Assertion'), 'Response');
  return Buffer.from(tamper ? tamper(xml) : xml).toString('base64');
}

async function post(
  acs: string,
  SAMLResponse: string,
  RelayState?: string,
): Promise<{ status: number; body: any; location: string | null }> {
  const form = new URLSearchParams({ SAMLResponse, ...(RelayState ? { RelayState } : {}) });
  const res = await fetch(acs, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  return { status: res.status, body: await res.json(), location: res.headers.get('location') };
}

it('answers 409 SAML_NOT_CONFIGURED, naming what to configure, until the provider is set up', async () => {
  expect(tenantId).toMatch(/^tn_/);
  const res = await get(`auth/saml/okta/metadata?tenant_id=${tenantId}`);
  expect(res.status).toBe(409);
  const err = ((await res.json()) as any).error;
  expect(err.code).toBe('SAML_NOT_CONFIGURED');
  expect(err.message).toContain('entry_point');
  expect((await get('auth/saml/okta/login')).status).toBe(400);

  // An entry without the IdP's details: metadata works (the IdP needs it first), login does not.
  await app('PATCH', 'auth-config', { saml: { okta: { redirect_urls: ['https://app.saml.test/'] } } });
  expect((await get(`auth/saml/okta/metadata?tenant_id=${tenantId}`)).status).toBe(200);
  const login = await get(`auth/saml/okta/login?tenant_id=${tenantId}`);
  expect(login.status).toBe(409);
  expect(((await login.json()) as any).error.message).toContain('idp_cert');
});

it('serves metadata, signs the AuthnRequest, and accepts a signed response once', async () => {
  await app('PATCH', 'auth-config', {
    saml: {
      okta: { entry_point: IDP_SSO, idp_cert: idp.certificatePem, idp_issuer: IDP_ENTITY, redirect_urls: ['https://app.saml.test/'] },
    },
  });
  const md = await metadata();
  expect(md.entityId).toContain(`/v1/auth/saml/okta/metadata?tenant_id=${tenantId}`);
  expect(md.acs).toContain(`/v1/auth/saml/okta/acs?tenant_id=${tenantId}`);
  // The generated SP key is kept sealed.
  const key = await svc.db('pf_records').where({ kind: 'saml_sp_keys' }).first();
  expect(key.data.private_key).toMatch(/^v1:/);
  expect(JSON.stringify(key.data)).not.toContain('PRIVATE KEY');

  const { requestId } = await login(md.spKey);
  const good = samlResponse({ inResponseTo: requestId, audience: md.entityId, recipient: md.acs });
  const ok = await post(md.acs, good);

  expect(ok.status).toBe(200);
  expect(ok.body.data).toMatchObject({ token_type: 'bearer', user: { email: 'sam@example.com' } });
  const me = (await client(svc, ok.body.data.access_token)('GET', 'auth/user')).body.data;
  expect(me).toMatchObject({ email: 'sam@example.com', user_metadata: { name: 'Sam Saml' } });

  // The same response again: its request was answered already.
  const replay = await post(md.acs, good);
  expect(replay.status).toBe(401);
  expect(replay.body.error.code).toBe('SAML_RESPONSE_INVALID');
  expect(replay.body.error.message).toMatch(/InResponseTo/);

  // A second sign-in links to the same user.
  const again = await login(md.spKey);
  expect(
    (await post(md.acs, samlResponse({ inResponseTo: again.requestId, audience: md.entityId, recipient: md.acs }))).body.data.user.id,
  ).toBe(me.id);
});

it('refuses tampered, expired, replayed, wrongly addressed and unsolicited responses', async () => {
  const md = await metadata();
  const refused = async (shape: (requestId: string) => Shape, tamper?: (xml: string) => string) => {
    const { requestId } = await login(md.spKey);
    const r = await post(md.acs, samlResponse(shape(requestId), tamper));
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('SAML_RESPONSE_INVALID');
    return r.body.error.message as string;
  };
  const base = (id: string): Shape => ({ inResponseTo: id, audience: md.entityId, recipient: md.acs });
  expect(await refused(base, (x) => x.replace(/sam@example\.com/g, 'admin@example.com'))).toMatch(/signature/i);
  expect(
    await refused((id) => ({
      ...base(id),
      notBefore: new Date(Date.now() - 20 * 60_000),
      notOnOrAfter: new Date(Date.now() - 10 * 60_000),
    })),
  ).toMatch(/time window|expired/i);
  expect(await refused((id) => ({ ...base(id), notBefore: new Date(Date.now() + 10 * 60_000) }))).toMatch(/not yet valid|time window/i);
  expect(await refused((id) => ({ ...base(id), audience: 'https://someone-else.test/sp' }))).toMatch(/audience/i);
  expect(await refused((id) => ({ ...base(id), recipient: 'https://someone-else.test/acs' }))).toMatch(/recipient/i);
  expect(await refused(() => ({ ...base('_never_requested') }))).toMatch(/InResponseTo/);

  // The same assertion id under a new request: a replayed assertion.
  const first = await login(md.spKey);
  const assertionId = `_a${randomBytes(8).toString('hex')}`;
  expect((await post(md.acs, samlResponse({ ...base(first.requestId), assertionId }))).status).toBe(200);
  expect(await refused((id) => ({ ...base(id), assertionId }))).toMatch(/replay/i);

  // Signed by another key.
  const other = await newSigningPair('not the IdP');
  const { requestId } = await login(md.spKey);
  const saved = idp;
  idp = other;
  try {
    const r = await post(md.acs, samlResponse(base(requestId)));
    expect(r.status).toBe(401);
    expect(r.body.error.message).toMatch(/signature/i);
  } finally {
    idp = saved;
  }
  expect((await post(md.acs, '')).status).toBe(400);
});

it('sends the browser to redirect_to with the tokens in the fragment', async () => {
  const md = await metadata();
  expect((await get(`auth/saml/okta/login?tenant_id=${tenantId}&redirect_to=${encodeURIComponent('https://evil.test/')}`)).status).toBe(
    400,
  );
  const { requestId, relay } = await login(md.spKey, `&redirect_to=${encodeURIComponent('https://app.saml.test/done')}`);
  expect(relay).toBeTruthy();
  const r = await post(md.acs, samlResponse({ inResponseTo: requestId, audience: md.entityId, recipient: md.acs }), relay!);
  expect(r.status).toBe(302);
  const to = new URL(r.location!);
  expect(to.origin + to.pathname).toBe('https://app.saml.test/done');
  expect(new URLSearchParams(to.hash.slice(1)).get('access_token')).toBeTruthy();
});
