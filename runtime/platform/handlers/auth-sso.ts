/** Handlers of spec/platform/auth-sso.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { unavailable } from '../http/unavailable.ts';

/** OAuth sign-in needs an app registered with the provider. */
const OAUTH = unavailable('oauth_not_configured',
  'OAuth sign-in needs an app registered with the provider: its client_id, client_secret and this server\'s callback URL (/v1/auth/oauth/:provider/callback) stored in the tenant\'s auth config (PATCH /v1/auth-config {"oauth": {"<provider>": {...}}}), and an outbound HTTPS route to the provider. No provider client is wired on this server yet.');

/** SAML needs an IdP (entity id, SSO URL, signing certificate) and an XML-signature verifier. */
const SAML = unavailable('saml_not_configured',
  'SAML SSO needs an identity provider (entity id, SSO URL, X.509 signing certificate) in the tenant\'s auth config and an XML-signature verifier (e.g. @node-saml/node-saml), which this server does not bundle.');

export const authSsoHandlers = {
  'auth-sso.oauthCallback': OAUTH,
  'auth-sso.oauthRedirect': OAUTH,
  'auth-sso.samlAcs': SAML,
  'auth-sso.samlLoginRedirect': SAML,
  'auth-sso.samlMetadata': SAML,
} satisfies Partial<PlatformHandlers>;
