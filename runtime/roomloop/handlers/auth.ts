/** auth.google and auth.logout (the RoomLoop API document, "Authentication"). */
import type { RoomloopHandlers } from '../../../generated/roomloop/server/handlers.ts';
import { signInWithGoogle } from '../auth/sign-in.ts';
import { revokeSession } from '../auth/sessions.ts';
import { roomloopPrincipal } from '../principal.ts';

export const authHandlers = {
  'auth.google': async ({ trx, body }) => ({ status: 200, body: await signInWithGoogle(trx, body.id_token) }),

  /** Revokes the calling session; a server key is not a session, so logout with one is a no-op. */
  'auth.logout': async ({ trx, ctx }) => {
    const p = roomloopPrincipal(ctx);
    if (p.via === 'session') await revokeSession(trx, p.credentialId);
    return { status: 204, body: null };
  },
} satisfies Partial<RoomloopHandlers>;
