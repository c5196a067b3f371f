/** Handlers of spec/platform/auth-mfa.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { mfaActions } from '../mfa/mfa-actions.ts';

export const authMfaHandlers = {
  'auth-mfa.challengeMfa': mfaActions.challengeMfa,
  'auth-mfa.completeMfaLogin': mfaActions.completeMfaLogin,
  'auth-mfa.enrollTotpFactor': mfaActions.enrollTotpFactor,
  'auth-mfa.listMfaFactors': mfaActions.listMfaFactors,
  'auth-mfa.mfaRecovery': mfaActions.mfaRecovery,
  'auth-mfa.unenrollMfaFactor': mfaActions.unenrollMfaFactor,
  'auth-mfa.verifyTotpCode': mfaActions.verifyTotpCode,
} satisfies Partial<PlatformHandlers>;
