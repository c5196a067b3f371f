/** Handlers of spec/platform/auth-sessions.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { sessionActions } from '../auth/session-actions.ts';

export const authSessionsHandlers = {
  'auth-sessions.list': sessionActions.listSessions,
  'auth-sessions.revoke': sessionActions.revokeSession,
  'auth-sessions.revokeAllSessions': sessionActions.revokeAllSessions,
} satisfies Partial<PlatformHandlers>;
