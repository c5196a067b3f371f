/** Handlers of spec/platform/auth-sso.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { oauthActions } from '../identity/oauth.ts';
import { samlActions } from '../identity/saml.ts';

export const authSsoHandlers = {
  'auth-sso.oauthCallback': oauthActions.oauthCallback,
  'auth-sso.oauthRedirect': oauthActions.oauthRedirect,
  'auth-sso.samlAcs': samlActions.samlAcs,
  'auth-sso.samlLoginRedirect': samlActions.samlLoginRedirect,
  'auth-sso.samlMetadata': samlActions.samlMetadata,
} satisfies Partial<PlatformHandlers>;
