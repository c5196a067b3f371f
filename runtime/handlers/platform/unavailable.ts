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

export const unavailableHandlers: HandlerRegistry = {
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
