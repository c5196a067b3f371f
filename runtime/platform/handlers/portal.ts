/** Handlers of spec/platform/portal.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { unavailable } from '../http/unavailable.ts';

/**
 * The portal signs end users in without an API key, so the tenant must come from the request itself
 * (the portal's host name or a tenant slug) and the Turnstile token must be verified.
 */
const PORTAL = unavailable('not_implemented',
  'Portal sign-in runs without an API key, so it needs the tenant resolved from the portal\'s host name (a per-tenant portal domain in the tenant config) and turnstile_token verified with Cloudflare Turnstile (TURNSTILE_SECRET_KEY); neither is configured on this server. Use the key-scoped /v1/auth/* endpoints (sign-up, login, magic link, OTP, password reset) meanwhile.');

export const portalHandlers = {
  'portal.identifyTenantByEmail': PORTAL,
  'portal.portalLogin': PORTAL,
  'portal.portalPasswordReset': PORTAL,
  'portal.portalPasswordResetRequest': PORTAL,
  'portal.portalSendMagicLink': PORTAL,
  'portal.portalSendOtp': PORTAL,
  'portal.portalSignup': PORTAL,
  'portal.portalVerifyEmail': PORTAL,
  'portal.portalVerifyMagicLink': PORTAL,
  'portal.portalVerifyOtp': PORTAL,
} satisfies Partial<PlatformHandlers>;
