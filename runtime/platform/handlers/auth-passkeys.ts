/** Handlers of spec/platform/auth-passkeys.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { unavailable } from '../http/unavailable.ts';

/** Passkeys need a WebAuthn verifier and the relying-party id/origin. */
const PASSKEYS = unavailable('passkeys_not_configured',
  'Passkeys need a WebAuthn verifier (e.g. @simplewebauthn/server, not installed here) and the relying party id and origin of the tenant\'s app (PLATFORM_WEBAUTHN_RP_ID, PLATFORM_WEBAUTHN_ORIGIN).');

export const authPasskeysHandlers = {
  'auth-passkeys.beginPasskeyAuthentication': PASSKEYS,
  'auth-passkeys.beginPasskeyRegistration': PASSKEYS,
  'auth-passkeys.completePasskeyAuthentication': PASSKEYS,
  'auth-passkeys.completePasskeyRegistration': PASSKEYS,
  'auth-passkeys.deletePasskey': PASSKEYS,
  'auth-passkeys.listPasskeys': PASSKEYS,
} satisfies Partial<PlatformHandlers>;
