/** RoomLoop session tokens (`rls_…`), issued by POST /v1/auth/google and revoked by logout. */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { newId, newToken } from '../../security/random-ids.ts';
import { now } from '../clock.ts';
import { sha256Hex as hashToken } from '../../security/token-hash.ts';

export const SESSION_PREFIX = 'rls_';

export function sessionTtlSeconds(): number {
  return Number(process.env.ROOMLOOP_SESSION_TTL_SECONDS ?? 12 * 3600);
}

export async function createSession(db: Knex, accountId: string) {
  const token = newToken(SESSION_PREFIX, 24);
  const id = newId('ses');
  const expiresAt = new Date(now().getTime() + sessionTtlSeconds() * 1000);
  await db(T.sessions).insert({ id, account_id: accountId, token_hash: hashToken(token), expires_at: expiresAt });
  return { id, token, expiresAt };
}

/** The session and its account, when the token is known, unexpired and not revoked. */
export async function findSession(db: Knex, token: string) {
  return db(`${T.sessions} as s`)
    .join(`${T.accounts} as a`, 'a.id', 's.account_id')
    .where('s.token_hash', hashToken(token))
    .whereNull('s.revoked_at')
    .where('s.expires_at', '>', now())
    .first('s.id as session_id', 'a.id', 'a.email', 'a.role', 'a.department', 'a.status');
}

export async function revokeSession(db: Knex, sessionId: string): Promise<void> {
  await db(T.sessions).where({ id: sessionId }).whereNull('revoked_at').update({ revoked_at: now(), updated_at: now() });
}
