/** Handlers of spec/platform/auth.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { emailFlowActions } from '../auth/email-flows.ts';
import { sessionActions } from '../auth/session-actions.ts';

export const authHandlers = {
  'auth.createAnonymousSession': sessionActions.createAnonymousSession,
  'auth.exportUserData': sessionActions.exportUserData,
  'auth.getCurrentUser': sessionActions.getCurrentUser,
  'auth.logIn': sessionActions.logIn,
  'auth.logOut': sessionActions.logOut,
  'auth.refreshTokens': sessionActions.refreshTokens,
  'auth.requestPasswordReset': emailFlowActions.requestPasswordReset,
  'auth.resetPassword': emailFlowActions.resetPassword,
  'auth.sendMagicLink': emailFlowActions.sendMagicLink,
  'auth.sendSmsOtp': emailFlowActions.sendSmsOtp,
  'auth.signUp': sessionActions.signUp,
  'auth.updateCurrentUser': sessionActions.updateCurrentUser,
  'auth.verifyEmail': emailFlowActions.verifyEmail,
  'auth.verifyEmail2': emailFlowActions.verifyEmail2,
  'auth.verifyMagicLink': emailFlowActions.verifyMagicLink,
  'auth.verifyOtp': emailFlowActions.verifyOtp,
} satisfies Partial<PlatformHandlers>;
