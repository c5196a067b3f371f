/** Handlers of spec/platform/keys.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { keyActions } from '../auth/key-actions.ts';

export const keysHandlers: HandlerRegistry = {
  'keys.create': keyActions.create,
  'keys.revoke': keyActions.revoke,
  'keys.rotateApiKey': keyActions.rotateApiKey,
  'keys.update': keyActions.update,
};
