/**
 * The 8 auth endpoints of docs/api/loop-api.txt (+ password-reset-confirm), keyed by the handler names of
 * spec/loop/auth.yaml. The flows live in runtime/loop/auth/; these are the catalogue's entry points.
 */
import { createInternalApiKeyHandler } from '../auth/internal-key-handler.ts';
import { acceptInvitation, inviteUser } from '../auth/invitation-flow.ts';
import { me } from '../auth/me-flow.ts';
import { passwordReset, passwordResetConfirm } from '../auth/password-reset-flow.ts';
import { login, logout, refresh, register } from '../auth/session-flows.ts';
import type { LoopHandlers } from '../../../generated/loop/server/handlers.ts';

export const authHandlers = {
  'auth.register': register,
  'auth.login': login,
  'auth.logout': logout,
  'auth.refresh': refresh,
  'auth.me': me,
  'auth.passwordReset': passwordReset,
  'auth.passwordResetConfirm': passwordResetConfirm,
  'auth.inviteUser': inviteUser,
  'auth.acceptInvitation': acceptInvitation,
  // Identity plumbing of a core resource (internal-api-keys create), kept with the auth handlers.
  'core.createInternalApiKey': createInternalApiKeyHandler,
} satisfies Partial<LoopHandlers>;
