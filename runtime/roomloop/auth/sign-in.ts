/**
 * POST /v1/auth/google: verified Google identity → RoomLoop account → session.
 * An unknown teacher is handled per ROOMLOOP_SIGNUP_POLICY: `auto` provisions a teacher account,
 * `refuse` (the default; accounts are provisioned by admins, e.g. by bulk CSV) answers 403.
 */
import type { Knex } from 'knex';
import { forbidden } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { isoSeconds, now } from '../clock.ts';
import { enqueueEvent } from '../webhooks/outbox.ts';
import { accountView } from '../accounts/account-view.ts';
import { googleConfigFromEnv, verifyGoogleIdToken, type GoogleConfig } from './google-id-token.ts';
import { createSession } from './sessions.ts';

export type SignupPolicy = 'auto' | 'refuse';

export function signupPolicy(env = process.env): SignupPolicy {
  return env.ROOMLOOP_SIGNUP_POLICY === 'auto' ? 'auto' : 'refuse';
}

export async function signInWithGoogle(trx: Knex, idToken: string, cfg: GoogleConfig = googleConfigFromEnv(), policy = signupPolicy()) {
  const who = await verifyGoogleIdToken(idToken, cfg);
  let account =
    (await trx(T.accounts).where({ google_sub: who.sub }).first()) ??
    (await trx(T.accounts).whereRaw('lower(email) = ?', [who.email]).first());
  if (!account) {
    if (policy !== 'auto') throw forbidden(`No RoomLoop account exists for ${who.email}; ask your school's RoomLoop admin to add you.`);
    const at = now();
    [account] = await trx(T.accounts)
      .insert({
        id: newId('usr'),
        email: who.email,
        name: who.name ?? who.email,
        department: null,
        role: 'teacher',
        status: 'active',
        google_sub: who.sub,
        created_at: at,
        updated_at: at,
      })
      .returning('*');
    await enqueueEvent(trx, 'account.created', accountView(account));
  } else if (!account.google_sub) {
    await trx(T.accounts).where({ id: account.id }).update({ google_sub: who.sub, updated_at: now() });
  }
  if (account.status !== 'active') throw forbidden('This RoomLoop account is disabled.');
  const session = await createSession(trx, account.id);
  return { token: session.token, token_type: 'Bearer', expires_at: isoSeconds(session.expiresAt), account: accountView(account) };
}
