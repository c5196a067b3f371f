/** Handlers of spec/platform/keys.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { keyActions } from '../auth/key-actions.ts';

export const keysHandlers = {
  'keys.create': keyActions.create,
  'keys.revoke': keyActions.revoke,
  'keys.rotateApiKey': keyActions.rotateApiKey,
  'keys.update': keyActions.update,
} satisfies Partial<PlatformHandlers>;
