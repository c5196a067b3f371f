/**
 * Tenant end users (docs/api/platform-api.txt, "Auth"): /v1/auth/login and /signup answer an HS256 access JWT
 * (1 hour, claims sub = user id, tid = tenant id, role) and an opaque `rt_…` refresh token stored as
 * SHA-256 in pf_sessions; refresh rotates it, logout revokes the session.
 */
import { jwtVerify, SignJWT } from 'jose';
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { newId, newToken as newSecret } from '../../security/random-ids.ts';
import { sha256Hex as sha256 } from '../../security/token-hash.ts';

export const ACCESS_TTL_SECONDS = 3600;
const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;
const ISSUER = 'loopgen-platform';

export interface AccessClaims {
  readonly userId: string;
  readonly tenantId: number;
  readonly role: string;
  readonly sessionId: string;
}

export async function signAccess(secret: Uint8Array, c: AccessClaims): Promise<string> {
  return new SignJWT({ tid: c.tenantId, role: c.role, sid: c.sessionId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(c.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TTL_SECONDS}s`)
    .sign(secret);
}

/** Claims of a valid access token, or null (bad signature, expired, wrong issuer). */
export async function verifyAccess(secret: Uint8Array, token: string): Promise<AccessClaims | null> {
  try {
    const { payload } = await jwtVerify(token, secret, { issuer: ISSUER, algorithms: ['HS256'] });
    if (typeof payload.sub !== 'string' || typeof payload.tid !== 'number') return null;
    return {
      userId: payload.sub,
      tenantId: payload.tid,
      role: String(payload.role ?? 'authenticated'),
      sessionId: String(payload.sid ?? ''),
    };
  } catch {
    return null;
  }
}

export interface IssuedTokens {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: 'bearer';
  readonly expires_in: number;
  readonly user: { id: string; email: string; role: string };
}

/** Opens a session for the user and returns the platform API document's token body. */
export async function issueTokens(
  db: Knex,
  secret: Uint8Array,
  user: { id: string; email: string; role: string; companyId: number },
  meta: { ip?: string; userAgent?: string } = {},
): Promise<IssuedTokens> {
  const refresh = newSecret('rt_', 32);
  const sessionId = newId('ses');
  await db(T.sessions).insert({
    id: sessionId,
    company_id: user.companyId,
    user_id: user.id,
    refresh_hash: sha256(refresh),
    ip: meta.ip ?? null,
    user_agent: meta.userAgent?.slice(0, 500) ?? null,
    expires_at: new Date(Date.now() + REFRESH_TTL_MS).toISOString(),
    last_active_at: db.fn.now(),
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
  const access = await signAccess(secret, { userId: user.id, tenantId: user.companyId, role: user.role, sessionId });
  return {
    access_token: access,
    refresh_token: refresh,
    token_type: 'bearer',
    expires_in: ACCESS_TTL_SECONDS,
    user: { id: user.id, email: user.email, role: user.role },
  };
}
