/** Handlers of spec/platform/auth-sessions.yaml. */
import type { HandlerRegistry } from '../../runtime-api.ts';
import { sessionActions } from '../auth/session-actions.ts';

export const authSessionsHandlers: HandlerRegistry = {
  'auth-sessions.list': sessionActions.listSessions,
  'auth-sessions.revoke': sessionActions.revokeSession,
  'auth-sessions.revokeAllSessions': sessionActions.revokeAllSessions,
};
