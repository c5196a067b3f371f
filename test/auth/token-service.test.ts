/**
 * The JWT TokenService by itself, on the real LOOP schema with a clock the test moves: exact claims and
 * lifetimes, what each refusal says, rotation, reuse, logout, revoking every session of a user, and the
 * short cache of revoked sessions. Quick enough for every mutant of `npm run mutate -- auth`.
 */
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TTL_SECONDS, REFRESH_TTL_SECONDS, TokenService, invalidToken } from '../../runtime/loop/auth/token-service.ts';
import { apiError } from './helpers/action-context.ts';
import { closeTestDb, openTestDb } from './helpers/loop-test-db.ts';

const SECRET = 't'.repeat(40);
const clock = { t: Date.UTC(2031, 6, 1, 8, 0, 0, 750) };
let db: Knex;
let tokens: TokenService;
let seq = 0;

async function user(extra: Record<string, unknown> = {}) {
  const n = ++seq;
  const [row] = await db('users')
    .insert({ email: `tok${n}@token-service.test`, username: `tok${n}`, is_active: true, ...extra })
    .returning(['id', 'email', 'is_superuser']);
  return { id: Number(row.id), email: row.email as string, is_superuser: Boolean(row.is_superuser) };
}

const message = async (p: Promise<unknown>) => {
  const e = await apiError(p);
  expect(e).toMatchObject({ status: 401, code: 'token_not_valid' });
  return (e as unknown as Error).message;
};

/** A token signed with the service's key but claims of the test's choosing. */
async function forged(claims: Record<string, unknown>, opts: { issuer?: string; subject?: string; jti?: string; exp?: number } = {}) {
  const key = new TextEncoder().encode(SECRET);
  const now = Math.floor(clock.t / 1000);
  let jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt(now)
    .setExpirationTime(opts.exp ?? now + 60);
  if (opts.issuer !== '') jwt = jwt.setIssuer(opts.issuer ?? 'loopgen:loop');
  if (opts.subject !== undefined) jwt = jwt.setSubject(opts.subject);
  if (opts.jti !== undefined) jwt = jwt.setJti(opts.jti);
  return jwt.sign(key);
}

beforeAll(async () => {
  db = await openTestDb();
  tokens = new TokenService({ db, secret: SECRET, now: () => clock.t });
});
afterAll(() => closeTestDb(db));

describe('issuing', () => {
  it('access 15 minutes and refresh 7 days, HS256, same session id, refresh jti = <sid>.<12 url-safe>', async () => {
    expect(ACCESS_TTL_SECONDS).toBe(900);
    expect(REFRESH_TTL_SECONDS).toBe(604_800);
    const u = await user({ is_superuser: true });
    const { access, refresh } = await tokens.issuePair(db, u);
    const nowSec = Math.floor(clock.t / 1000);
    expect(decodeProtectedHeader(access)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeProtectedHeader(refresh)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const a = decodeJwt(access);
    const r = decodeJwt(refresh);
    expect(a).toMatchObject({
      iss: 'loopgen:loop',
      sub: String(u.id),
      email: u.email,
      su: true,
      token_type: 'access',
      iat: nowSec,
      exp: nowSec + 900,
    });
    expect(r).toMatchObject({
      iss: 'loopgen:loop',
      sub: String(u.id),
      email: u.email,
      su: true,
      token_type: 'refresh',
      iat: nowSec,
      exp: nowSec + 604_800,
    });
    expect(a.sid).toBe(r.sid);
    expect(a.sid).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.jti).toMatch(new RegExp(`^${a.sid}\\.[A-Za-z0-9_-]{12}$`));
    const row = await db('refresh_tokens').where({ jti: r.jti }).first();
    expect(row).toMatchObject({ user_id: u.id });
    expect(new Date(row.expires_at).getTime()).toBe((nowSec + 604_800) * 1000);
    expect(new Date(row.created_at).getTime()).toBe(nowSec * 1000);
    expect(new Date(row.updated_at).getTime()).toBe(nowSec * 1000);
    // A given session id is continued; lifetimes can be configured.
    const short = new TokenService({ db, secret: SECRET, now: () => clock.t, accessTtlSeconds: 60, refreshTtlSeconds: 120 });
    const again = await short.issuePair(db, { ...u, is_superuser: false }, 'my-session');
    expect(decodeJwt(again.access)).toMatchObject({ sid: 'my-session', su: false, exp: nowSec + 60 });
    expect(decodeJwt(again.refresh)).toMatchObject({ sid: 'my-session', exp: nowSec + 120 });
  });

  it('verifyAccess answers the claims of a good access token', async () => {
    const u = await user();
    const { access } = await tokens.issuePair(db, u);
    const a = decodeJwt(access);
    expect(await tokens.verifyAccess(access)).toEqual({
      userId: u.id,
      email: u.email,
      isSuperuser: false,
      jti: a.jti,
      sid: a.sid,
      exp: a.exp,
    });
  });
});

describe('refusals', () => {
  it('say which: wrong type, bad signature, expired, foreign issuer, missing claims', async () => {
    const u = await user();
    const { access, refresh } = await tokens.issuePair(db, u);
    expect(invalidToken().message).toBe('Given token not valid for any token type');
    expect(await message(tokens.verifyAccess(refresh))).toBe('Given token not valid for any token type');
    expect(await message(tokens.logout(db, access))).toBe('Given token not valid for any token type');
    expect(await message(tokens.verifyAccess(access.slice(0, -2) + 'xx'))).toBe('Given token not valid for any token type');
    expect(await message(tokens.verifyAccess('garbage'))).toBe('Given token not valid for any token type');
    const other = new TokenService({ db, secret: 'o'.repeat(40), now: () => clock.t });
    expect(await message(other.verifyAccess(access))).toBe('Given token not valid for any token type');
    const sid = String(decodeJwt(access).sid);
    const good = { token_type: 'access', sid, email: 'x' };
    expect((await tokens.verifyAccess(await forged(good, { subject: String(u.id), jti: 'j' }))).userId).toBe(u.id);
    expect(await message(tokens.verifyAccess(await forged(good, { subject: String(u.id), jti: 'j', issuer: 'elsewhere' })))).toBe(
      'Given token not valid for any token type',
    );
    expect(await message(tokens.verifyAccess(await forged(good, { subject: String(u.id), jti: 'j', issuer: '' })))).toBe(
      'Given token not valid for any token type',
    );
    expect(await message(tokens.verifyAccess(await forged(good, { subject: 'abc', jti: 'j' })))).toBe(
      'Given token not valid for any token type',
    );
    expect(await message(tokens.verifyAccess(await forged(good, { subject: '1.5', jti: 'j' })))).toBe(
      'Given token not valid for any token type',
    );
    expect(await message(tokens.verifyAccess(await forged(good, { subject: String(u.id) })))).toBe(
      'Given token not valid for any token type',
    );
    expect(await message(tokens.verifyAccess(await forged({ token_type: 'access' }, { subject: String(u.id), jti: 'j' })))).toBe(
      'Given token not valid for any token type',
    );
    expect(await message(tokens.verifyAccess(await forged({ token_type: 'access', sid: 5 }, { subject: String(u.id), jti: 'j' })))).toBe(
      'Given token not valid for any token type',
    );
    const noEmail = await tokens.verifyAccess(await forged({ token_type: 'access', sid, su: 'yes' }, { subject: String(u.id), jti: 'j' }));
    expect(noEmail).toMatchObject({ email: '', isSuperuser: false });
    const expired = await forged(good, { subject: String(u.id), jti: 'j', exp: Math.floor(clock.t / 1000) - 1 });
    expect(await message(tokens.verifyAccess(expired))).toBe('Token is invalid or expired');
  });
});

describe('rotation and logout', () => {
  it('rotate keeps the session, spends the old refresh token, and names its user', async () => {
    const u = await user();
    const first = await tokens.issuePair(db, u);
    const sid = decodeJwt(first.refresh).sid;
    const next = await tokens.rotate(db, first.refresh, async () => u);
    if (next.reused) throw new Error('not a reuse');
    expect(next.userId).toBe(u.id);
    expect(decodeJwt(next.refresh).sid).toBe(sid);
    expect(decodeJwt(next.access).sid).toBe(sid);
    const spent = await db('token_blacklist')
      .where({ jti: decodeJwt(first.refresh).jti })
      .first();
    expect(spent).toMatchObject({ user_id: u.id });
    expect(new Date(spent.expires_at).getTime()).toBe(decodeJwt(first.refresh).exp! * 1000);
    expect(new Date(spent.created_at).getTime()).toBe(clock.t);
    expect(
      await db('token_blacklist')
        .where({ jti: `s:${sid}` })
        .first(),
    ).toBeUndefined();
    await tokens.verifyAccess(next.access);
  });

  it('a reused refresh token revokes its session: every token of it stops working', async () => {
    const u = await user();
    const first = await tokens.issuePair(db, u);
    const sid = decodeJwt(first.refresh).sid;
    const second = await tokens.rotate(db, first.refresh, async () => u);
    if (second.reused) throw new Error('not a reuse');
    expect(await tokens.rotate(db, first.refresh, async () => u)).toEqual({ reused: true });
    const revoked = await db('token_blacklist')
      .where({ jti: `s:${sid}` })
      .first();
    expect(revoked).toMatchObject({ user_id: u.id });
    expect(new Date(revoked.expires_at).getTime()).toBe(decodeJwt(first.refresh).exp! * 1000);
    expect(await message(tokens.verifyAccess(second.access))).toBe('Token is blacklisted');
    expect(await message(tokens.rotate(db, second.refresh, async () => u))).toBe('Token is blacklisted');
  });

  it('an unknown refresh token, or one of a vanished user, is refused', async () => {
    const u = await user();
    const { refresh } = await tokens.issuePair(db, u);
    await db('refresh_tokens')
      .where({ jti: decodeJwt(refresh).jti })
      .delete();
    expect(await message(tokens.rotate(db, refresh, async () => u))).toBe('Token is invalid or expired');
    const other = await tokens.issuePair(db, u);
    expect(await message(tokens.rotate(db, other.refresh, async () => null))).toBe('User not found or inactive');
    const old = await tokens.issuePair(db, u);
    clock.t += 7 * 24 * 3600 * 1000;
    try {
      expect(await message(tokens.rotate(db, old.refresh, async () => u))).toBe('Token is invalid or expired');
    } finally {
      clock.t -= 7 * 24 * 3600 * 1000;
    }
  });

  it('logout spends the refresh token and revokes the session at once', async () => {
    const u = await user();
    const { access, refresh } = await tokens.issuePair(db, u);
    await tokens.verifyAccess(access); // caches "not revoked"
    expect(await tokens.logout(db, refresh)).toEqual({ userId: u.id });
    const { jti, sid, exp } = decodeJwt(refresh);
    expect(await db('token_blacklist').where({ jti }).first()).toBeTruthy();
    const s = await db('token_blacklist')
      .where({ jti: `s:${sid}` })
      .first();
    expect(new Date(s.expires_at).getTime()).toBe(exp! * 1000);
    expect(await message(tokens.verifyAccess(access))).toBe('Token is blacklisted');
  });
});

describe('revoking every session of a user', () => {
  it('blacklists the live refresh tokens and their sessions, counting sessions; others are untouched', async () => {
    const u = await user();
    const other = await user();
    const a = await tokens.issuePair(db, u);
    const a2 = await tokens.rotate(db, a.refresh, async () => u);
    if (a2.reused) throw new Error('not a reuse');
    const b = await tokens.issuePair(db, u);
    const theirs = await tokens.issuePair(db, other);
    // A refresh row that expires exactly now is already dead and not counted.
    const dead = `dead-session.${'x'.repeat(12)}`;
    await db('refresh_tokens').insert({
      jti: dead,
      user_id: u.id,
      expires_at: new Date(clock.t),
      created_at: new Date(),
      updated_at: new Date(),
    });
    expect(await tokens.revokeAllForUser(db, u.id)).toBe(2);
    expect(await db('token_blacklist').where({ jti: 's:dead-session' }).first()).toBeUndefined();
    for (const t of [a2.access, b.access]) expect(await message(tokens.verifyAccess(t))).toBe('Token is blacklisted');
    await tokens.verifyAccess(theirs.access);
    const sids = await db('token_blacklist').where({ user_id: u.id }).where('jti', 'like', 's:%').pluck('jti');
    expect(sids.sort()).toEqual([`s:${decodeJwt(a.refresh).sid}`, `s:${decodeJwt(b.refresh).sid}`].sort());
    const bRow = await db('token_blacklist')
      .where({ jti: decodeJwt(b.refresh).jti })
      .first();
    expect(new Date(bRow.expires_at).getTime()).toBe(decodeJwt(b.refresh).exp! * 1000);
    expect(await tokens.revokeAllForUser(db, other.id + 100_000)).toBe(0);
  });

  it('"not revoked" is cached for 5 seconds per session; forgetRevocation drops it', async () => {
    const u = await user();
    const fresh = new TokenService({ db, secret: SECRET, now: () => clock.t });
    const { access } = await fresh.issuePair(db, u);
    await fresh.verifyAccess(access);
    const sid = String(decodeJwt(access).sid);
    await db('token_blacklist').insert({ jti: `s:${sid}`, user_id: u.id, expires_at: new Date(clock.t + 3_600_000) });
    await fresh.verifyAccess(access); // cached
    fresh.forgetRevocation('another-session');
    await fresh.verifyAccess(access);
    fresh.forgetRevocation(sid);
    expect(await message(fresh.verifyAccess(access))).toBe('Token is blacklisted');

    const { access: second } = await fresh.issuePair(db, u);
    await fresh.verifyAccess(second);
    await db('token_blacklist').insert({ jti: `s:${decodeJwt(second).sid}`, user_id: u.id, expires_at: new Date(clock.t + 3_600_000) });
    fresh.forgetRevocation();
    expect(await message(fresh.verifyAccess(second))).toBe('Token is blacklisted');

    const { access: third } = await fresh.issuePair(db, u);
    await fresh.verifyAccess(third);
    await db('token_blacklist').insert({ jti: `s:${decodeJwt(third).sid}`, user_id: u.id, expires_at: new Date(clock.t + 3_600_000) });
    clock.t += 4_999;
    await fresh.verifyAccess(third);
    clock.t += 1;
    expect(await message(fresh.verifyAccess(third))).toBe('Token is blacklisted');
  });
});
