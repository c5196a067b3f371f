/**
 * JWT access/refresh tokens the way djangorestframework-simplejwt issues them (HS256, `jti`,
 * `token_type`, access 15 min, refresh 7 days, rotation with blacklist), plus one addition: every
 * token of a login carries the same session id `sid`, so logout or a password reset also kills the
 * access tokens of that session (docs/api/loop-api.txt: "a blacklisted or expired token gets 401 everywhere").
 *
 * Storage (spec/loop/core.yaml): `refresh_tokens` (one row per issued refresh jti) and
 * `token_blacklist` (revoked jtis; a revoked session is the row `s:<sid>`). Tokens themselves are
 * never stored — only their ids.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import type { Knex } from 'knex';
import { ApiError } from '../../http/api-error.ts';
import { TtlCache } from '../tenancy/ttl-cache.ts';
import { publishSessionRevoked } from '../tenancy/cache-sync.ts';
import { T } from './loop-schema.ts';
import { randomToken } from '../../security/token-hash.ts';

export const ACCESS_TTL_SECONDS = 15 * 60;
export const REFRESH_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface TokenUser {
  readonly id: number;
  readonly email: string;
  readonly is_superuser: boolean;
}

export interface TokenPair {
  readonly access: string;
  readonly refresh: string;
}

export interface AccessClaims {
  readonly userId: number;
  readonly email: string;
  readonly isSuperuser: boolean;
  readonly jti: string;
  readonly sid: string;
}

export interface TokenServiceOptions {
  readonly db: Knex;
  readonly secret: string;
  readonly accessTtlSeconds?: number;
  readonly refreshTtlSeconds?: number;
  /** Clock in ms; tests move it instead of sleeping. */
  readonly now?: () => number;
}

const ISSUER = 'loopgen:loop';

export function invalidToken(message = 'Given token not valid for any token type'): ApiError {
  return new ApiError(401, 'token_not_valid', message);
}

export class TokenService {
  private readonly db: Knex;
  private readonly accessTtl: number;
  private readonly refreshTtl: number;
  private readonly now: () => number;
  /** Imported once: HS256 verification then costs one HMAC, no key parsing per request. */
  private readonly key: Promise<CryptoKey>;
  private readonly revokedSessions: TtlCache<string, boolean>;

  constructor(opts: TokenServiceOptions) {
    this.db = opts.db;
    this.accessTtl = opts.accessTtlSeconds ?? ACCESS_TTL_SECONDS;
    this.refreshTtl = opts.refreshTtlSeconds ?? REFRESH_TTL_SECONDS;
    this.now = opts.now ?? Date.now;
    this.key = crypto.subtle.importKey('raw', new TextEncoder().encode(opts.secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
    this.revokedSessions = new TtlCache(5_000, 50_000, this.now);
  }

  /** A new access + refresh pair; `sid` continues a session (rotation), omitted starts one (login). */
  async issuePair(trx: Knex, user: TokenUser, sid: string = randomUUID()): Promise<TokenPair> {
    const nowSec = Math.floor(this.now() / 1000);
    // The refresh jti embeds the session id so a password reset can find every session of a user.
    const refreshJti = `${sid}.${randomToken(9)}`;
    const claims = { email: user.email, su: user.is_superuser, sid };
    const key = await this.key;
    const access = await new SignJWT({ ...claims, token_type: 'access' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(String(user.id))
      .setJti(randomUUID())
      .setIssuedAt(nowSec)
      .setExpirationTime(nowSec + this.accessTtl)
      .sign(key);
    const refresh = await new SignJWT({ ...claims, token_type: 'refresh' })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setSubject(String(user.id))
      .setJti(refreshJti)
      .setIssuedAt(nowSec)
      .setExpirationTime(nowSec + this.refreshTtl)
      .sign(key);
    const stamp = new Date(nowSec * 1000);
    await trx(T.refreshTokens).insert({
      jti: refreshJti,
      user_id: user.id,
      expires_at: new Date((nowSec + this.refreshTtl) * 1000),
      created_at: stamp,
      updated_at: stamp,
    });
    return { access, refresh };
  }

  /** Verifies an access token: signature, expiry, type, and that its session was not revoked. */
  async verifyAccess(token: string): Promise<AccessClaims> {
    const p = await this.decode(token, 'access');
    if (await this.isSessionRevoked(p.sid)) throw invalidToken('Token is blacklisted');
    return p;
  }

  /**
   * Rotation: blacklists the presented refresh token and issues a new pair in the same session.
   * Presenting an already-blacklisted refresh token is treated as theft: the whole session is revoked
   * and `reused` is returned, so the caller can commit that revocation and answer 401.
   * Runs in the caller's transaction (PGlite has a single connection; nesting another would wait forever).
   */
  async rotate(
    trx: Knex,
    refresh: string,
    loadUser: (trx: Knex, id: number) => Promise<TokenUser | null>,
  ): Promise<(TokenPair & { userId: number; reused?: false }) | { reused: true }> {
    const p = await this.decode(refresh, 'refresh');
    const known = await trx(T.refreshTokens).where({ jti: p.jti }).first('id');
    if (!known) throw invalidToken('Token is invalid or expired');
    if (await this.isSessionRevoked(p.sid, trx)) throw invalidToken('Token is blacklisted');
    if (!(await this.blacklist(trx, p.jti, p.userId, p.exp))) {
      await this.blacklist(trx, `s:${p.sid}`, p.userId, p.exp);
      this.revokedSessions.set(p.sid, true);
      await publishSessionRevoked(this.db, trx, p.sid);
      return { reused: true };
    }
    const user = await loadUser(trx, p.userId);
    if (!user) throw invalidToken('User not found or inactive');
    return { ...(await this.issuePair(trx, user, p.sid)), userId: user.id };
  }

  /** Logout: blacklists the refresh token and its session (so its access tokens stop working too). */
  async logout(trx: Knex, refresh: string): Promise<{ userId: number }> {
    const p = await this.decode(refresh, 'refresh');
    await this.blacklist(trx, p.jti, p.userId, p.exp);
    await this.blacklist(trx, `s:${p.sid}`, p.userId, p.exp);
    this.revokedSessions.set(p.sid, true);
    await publishSessionRevoked(this.db, trx, p.sid);
    return { userId: p.userId };
  }

  /** Revokes every outstanding session of a user (password reset, deactivation). */
  async revokeAllForUser(trx: Knex, userId: number): Promise<number> {
    const rows: { jti: string; expires_at: Date }[] = await trx(T.refreshTokens)
      .where('user_id', userId)
      .andWhere('expires_at', '>', new Date(this.now()))
      .select('jti', 'expires_at');
    const sids = new Set<string>();
    for (const r of rows) {
      const exp = Math.floor(new Date(r.expires_at).getTime() / 1000);
      await this.blacklist(trx, r.jti, userId, exp);
      const sid = r.jti.split('.')[0]!;
      if (!sids.has(sid)) {
        sids.add(sid);
        await this.blacklist(trx, `s:${sid}`, userId, exp);
        this.revokedSessions.set(sid, true);
        await publishSessionRevoked(this.db, trx, sid);
      }
    }
    return sids.size;
  }

  /** Drops the cached revocation answer of `sid` (all when omitted): another process revoked it. */
  forgetRevocation(sid?: string): void {
    if (sid) this.revokedSessions.delete(sid);
    else this.revokedSessions.clear();
  }

  private async isSessionRevoked(sid: string, trx: Knex = this.db): Promise<boolean> {
    return this.revokedSessions.getOrLoad(sid, async () => {
      const row = await trx(T.tokenBlacklist)
        .where({ jti: `s:${sid}` })
        .first('id');
      return Boolean(row);
    });
  }

  /** Inserts a blacklist row; false when it was already there. */
  private async blacklist(trx: Knex, jti: string, userId: number, exp: number): Promise<boolean> {
    const stamp = new Date(this.now());
    const rows = await trx(T.tokenBlacklist)
      .insert({ jti, user_id: userId, expires_at: new Date(exp * 1000), created_at: stamp, updated_at: stamp })
      .onConflict('jti')
      .ignore()
      .returning('id');
    return rows.length > 0;
  }

  private async decode(token: string, type: 'access' | 'refresh'): Promise<AccessClaims & { exp: number }> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, await this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: new Date(this.now()),
      }));
    } catch (e) {
      if (e instanceof joseErrors.JWTExpired) throw invalidToken('Token is invalid or expired');
      throw invalidToken();
    }
    const userId = Number(payload.sub);
    if (payload.token_type !== type || !Number.isInteger(userId) || typeof payload.jti !== 'string' || typeof payload.sid !== 'string') {
      throw invalidToken();
    }
    return {
      userId,
      email: String(payload.email ?? ''),
      isSuperuser: payload.su === true,
      jti: payload.jti,
      sid: payload.sid,
      exp: payload.exp!,
    };
  }
}
