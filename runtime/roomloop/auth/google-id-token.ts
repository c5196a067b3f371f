/**
 * Verifies a Google ID token (RS256 JWT): signature against Google's JWKS (ROOMLOOP_GOOGLE_JWKS_URL,
 * default Google's, cached by jose; or a local ROOMLOOP_GOOGLE_JWKS_FILE for offline use and
 * tests), issuer, audience ROOMLOOP_GOOGLE_CLIENT_ID, expiry, a verified email and, when
 * ROOMLOOP_ALLOWED_HD is set, the school's hosted domain (`hd` claim).
 */
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ApiError, forbidden, unauthorized } from '../../http/api-error.ts';
import { now } from '../clock.ts';

export const GOOGLE_JWKS_URL = 'https://www.googleapis.com/oauth2/v3/certs';
const ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

export interface GoogleConfig {
  readonly clientId: string;
  readonly jwksUrl?: string;
  readonly jwksFile?: string;
  readonly allowedHd?: string;
}

export function googleConfigFromEnv(env = process.env): GoogleConfig {
  const clientId = env.ROOMLOOP_GOOGLE_CLIENT_ID;
  if (!clientId) throw new ApiError(503, 'sso_not_configured', 'Google sign-in is not configured (ROOMLOOP_GOOGLE_CLIENT_ID).');
  return {
    clientId,
    jwksUrl: env.ROOMLOOP_GOOGLE_JWKS_URL,
    jwksFile: env.ROOMLOOP_GOOGLE_JWKS_FILE,
    allowedHd: env.ROOMLOOP_ALLOWED_HD || undefined,
  };
}

const keySets = new Map<string, JWTVerifyGetKey>();

function keySet(cfg: GoogleConfig): JWTVerifyGetKey {
  const cacheKey = cfg.jwksFile ? `file:${cfg.jwksFile}` : `url:${cfg.jwksUrl ?? GOOGLE_JWKS_URL}`;
  let ks = keySets.get(cacheKey);
  if (!ks) {
    ks = cfg.jwksFile
      ? createLocalJWKSet(JSON.parse(readFileSync(cfg.jwksFile, 'utf8')))
      : createRemoteJWKSet(new URL(cfg.jwksUrl ?? GOOGLE_JWKS_URL));
    keySets.set(cacheKey, ks);
  }
  return ks;
}

/** Drops cached key sets (a rotated JWKS file in tests). */
export function resetGoogleKeys(): void {
  keySets.clear();
}

export interface GoogleIdentity {
  readonly sub: string;
  readonly email: string;
  readonly name: string | null;
  readonly hd: string | null;
}

export async function verifyGoogleIdToken(idToken: string, cfg: GoogleConfig): Promise<GoogleIdentity> {
  let payload;
  try {
    ({ payload } = await jwtVerify(idToken, keySet(cfg), {
      algorithms: ['RS256'],
      issuer: ISSUERS,
      audience: cfg.clientId,
      currentDate: now(),
    }));
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why = code === 'ERR_JWT_EXPIRED' ? 'the Google ID token has expired' : 'the Google ID token is not valid';
    throw unauthorized(`Sign-in failed: ${why}.`);
  }
  const email = typeof payload.email === 'string' ? payload.email.toLowerCase() : null;
  if (!email || payload.email_verified !== true) throw unauthorized('Sign-in failed: the Google account has no verified email.');
  const hd = typeof payload.hd === 'string' ? payload.hd : null;
  if (cfg.allowedHd && hd !== cfg.allowedHd) throw forbidden(`Sign in with your ${cfg.allowedHd} school account.`);
  return { sub: String(payload.sub), email, name: typeof payload.name === 'string' ? payload.name : null, hd };
}
