/** Handlers of spec/platform/auth-passkeys.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { passkeyActions } from '../identity/passkeys.ts';

export const authPasskeysHandlers = {
  'auth-passkeys.beginPasskeyAuthentication': passkeyActions.beginPasskeyAuthentication,
  'auth-passkeys.beginPasskeyRegistration': passkeyActions.beginPasskeyRegistration,
  'auth-passkeys.completePasskeyAuthentication': passkeyActions.completePasskeyAuthentication,
  'auth-passkeys.completePasskeyRegistration': passkeyActions.completePasskeyRegistration,
  'auth-passkeys.deletePasskey': passkeyActions.deletePasskey,
  'auth-passkeys.listPasskeys': passkeyActions.listPasskeys,
} satisfies Partial<PlatformHandlers>;
