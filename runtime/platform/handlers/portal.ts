/** Handlers of spec/platform/portal.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { portalActions } from '../portal/portal-actions.ts';

export const portalHandlers = {
  'portal.identifyTenantByEmail': portalActions.identify,
  'portal.portalLogin': portalActions.login,
  'portal.portalPasswordReset': portalActions.resetPassword,
  'portal.portalPasswordResetRequest': portalActions.requestPasswordReset,
  'portal.portalSendMagicLink': portalActions.sendMagicLink,
  'portal.portalSendOtp': portalActions.sendOtp,
  'portal.portalSignup': portalActions.signup,
  'portal.portalVerifyEmail': portalActions.verifyEmail,
  'portal.portalVerifyMagicLink': portalActions.verifyMagicLink,
  'portal.portalVerifyOtp': portalActions.verifyOtp,
} satisfies Partial<PlatformHandlers>;
