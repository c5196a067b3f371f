/** auth.google and auth.logout (seed 001, "Authentication"). */
import type { ActionHandler } from '../../runtime-api.ts';
import { signInWithGoogle } from '../auth/sign-in.ts';
import { revokeSession } from '../auth/sessions.ts';
import { roomloopPrincipal } from '../principal.ts';

export const google: ActionHandler = async ({ trx, body }) => ({
  status: 200,
  body: await signInWithGoogle(trx, (body as { id_token: string }).id_token),
});

/** Revokes the calling session; a server key is not a session, so logout with one is a no-op. */
export const logout: ActionHandler = async ({ trx, ctx }) => {
  const p = roomloopPrincipal(ctx);
  if (p.via === 'session') await revokeSession(trx, p.credentialId);
  return { status: 204, body: null };
};
