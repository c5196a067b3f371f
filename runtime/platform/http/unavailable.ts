/**
 * Endpoints that need something this server does not have. They answer 501 with a code and a
 * message that says exactly what would enable them, instead of the generic "not implemented yet".
 * - OAuth: a registered app at the provider (client id/secret, redirect URI) per tenant;
 * - SAML: an IdP (entity id, SSO URL, signing certificate) and an XML-signature verifier;
 * - passkeys: a WebAuthn verifier (e.g. @simplewebauthn/server) and the relying-party id/origin.
 */
import type { ActionHandler, HandlerRegistry } from '../../runtime-api.ts';
import { notImplemented } from '../../http/api-error.ts';

const unavailable = (code: string, message: string): ActionHandler => async () => {
  throw notImplemented(message, code);
};

const OAUTH = unavailable('oauth_not_configured',
  'OAuth sign-in needs an app registered with the provider: its client_id, client_secret and this server\'s callback URL (/v1/auth/oauth/:provider/callback) stored in the tenant\'s auth config (PATCH /v1/auth-config {"oauth": {"<provider>": {...}}}), and an outbound HTTPS route to the provider. No provider client is wired on this server yet.');
const SAML = unavailable('saml_not_configured',
  'SAML SSO needs an identity provider (entity id, SSO URL, X.509 signing certificate) in the tenant\'s auth config and an XML-signature verifier (e.g. @node-saml/node-saml), which this server does not bundle.');
const PASSKEYS = unavailable('passkeys_not_configured',
  'Passkeys need a WebAuthn verifier (e.g. @simplewebauthn/server, not installed here) and the relying party id and origin of the tenant\'s app (PLATFORM_WEBAUTHN_RP_ID, PLATFORM_WEBAUTHN_ORIGIN).');

/**
 * Raw SQL is refused: even read-only, tenant-scoped SQL over a shared schema needs a parser that
 * proves every table reference is the tenant's own object data (no functions, no system catalogs,
 * no CTE/side-channel tricks) — a whitelist query builder this server does not have.
 */
const SQL = unavailable('sql_not_available',
  'Arbitrary SQL is not accepted: tables are shared between tenants and no SQL parser here can prove a statement only reads this tenant\'s rows. Use POST /v1/objects/:object_type_id/search (filters, sort, paging) or POST /v1/objects/:object_type_id/aggregate for read-only queries over your object data.');

export const unavailableHandlers: HandlerRegistry = {
  'operations.executeSqlQuery': SQL,
  'auth-sso.oauthRedirect': OAUTH,
  'auth-sso.oauthCallback': OAUTH,
  'auth-sso.samlAcs': SAML,
  'auth-sso.samlLoginRedirect': SAML,
  'auth-sso.samlMetadata': SAML,
  'auth-passkeys.listPasskeys': PASSKEYS,
  'auth-passkeys.beginPasskeyAuthentication': PASSKEYS,
  'auth-passkeys.completePasskeyAuthentication': PASSKEYS,
  'auth-passkeys.beginPasskeyRegistration': PASSKEYS,
  'auth-passkeys.completePasskeyRegistration': PASSKEYS,
  'auth-passkeys.deletePasskey': PASSKEYS,
};
