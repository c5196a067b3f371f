/**
 * Google sign-in against a JWKS the test makes (RS256 key pair), sessions, logout, sk_live keys,
 * role capabilities and per-token rate limits.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Request } from 'express';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { openTestDb, type TestDb } from './helpers/test-db.ts';
import { makeAccount } from './helpers/fixtures.ts';
import { setClock } from '../../runtime/roomloop/clock.ts';
import { signInWithGoogle } from '../../runtime/roomloop/auth/sign-in.ts';
import { resetGoogleKeys, type GoogleConfig } from '../../runtime/roomloop/auth/google-id-token.ts';
import { createRoomloopAuthProvider } from '../../runtime/roomloop/auth/roomloop-auth-provider.ts';
import { createRoomloopKey } from '../../runtime/roomloop/auth/api-keys.ts';
import { T } from '../../runtime/roomloop/tables.ts';
import { ApiError } from '../../runtime/http/api-error.ts';
import type { RequestContext } from '../../runtime/runtime-api.ts';
import { callHandler } from './helpers/call-handler.ts';

let t: TestDb;
let dir: string;
let cfg: GoogleConfig;
let privateKey: CryptoKey;
let otherKey: CryptoKey;
const CLIENT_ID = 'roomloop-test.apps.googleusercontent.com';

beforeAll(async () => {
  t = await openTestDb('auth');
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  dir = await mkdtemp(join(tmpdir(), 'roomloop-jwks-'));
  await writeFile(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }));
  cfg = { clientId: CLIENT_ID, jwksFile: join(dir, 'jwks.json'), allowedHd: 'school.test' };
  resetGoogleKeys();
});
afterAll(async () => {
  setClock(null);
  await rm(dir, { recursive: true, force: true });
  await t?.close();
});
beforeEach(() => setClock(null));

function idToken(claims: Record<string, unknown>, opts: { key?: CryptoKey; aud?: string; exp?: string | number } = {}) {
  return new SignJWT({ email_verified: true, hd: 'school.test', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer('https://accounts.google.com')
    .setAudience(opts.aud ?? CLIENT_ID)
    .setSubject(String(claims.sub ?? 'g-1'))
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '1h')
    .sign(opts.key ?? privateKey);
}

const signIn = (token: string, policy: 'auto' | 'refuse' = 'refuse') =>
  t.db.transaction((trx) => signInWithGoogle(trx, token, cfg, policy));
const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: unknown) => (e instanceof ApiError ? e.status : 500),
  );

function reqWith(token?: string): Request {
  const headers: Record<string, string> = {};
  const res = {
    headers,
    setHeader: (k: string, v: string) => {
      headers[k] = v;
    },
  };
  return { headers: token ? { authorization: `Bearer ${token}` } : {}, res } as unknown as Request;
}
const ctx = () => ({ db: t.db, principal: null }) as unknown as RequestContext;

describe('POST /v1/auth/google', () => {
  it('exchanges a valid ID token of a known teacher for a session', async () => {
    const acc = await makeAccount(t.db, { email: 'known@school.test' });
    const out = await signIn(await idToken({ sub: 'g-known', email: 'Known@school.test' }));
    expect(out.token).toMatch(/^rls_/);
    expect(out.account).toMatchObject({ id: acc.id, email: 'known@school.test', role: 'teacher' });
    const stored = await t.db(T.sessions).where({ account_id: acc.id }).first();
    expect(stored.token_hash).not.toContain(out.token);
    const auth = createRoomloopAuthProvider({ db: t.db });
    await expect(auth.authenticate(reqWith(out.token), ctx())).resolves.toMatchObject({
      accountId: acc.id,
      role: 'teacher',
      via: 'session',
    });
  });
  it('refuses a wrong signature, audience, an expired token and another hosted domain', async () => {
    expect(await status(signIn(await idToken({ email: 'known@school.test' }, { key: otherKey })))).toBe(401);
    expect(await status(signIn(await idToken({ email: 'known@school.test' }, { aud: 'someone-else' })))).toBe(401);
    expect(await status(signIn(await idToken({ email: 'known@school.test' }, { exp: Math.floor(Date.now() / 1000) - 600 })))).toBe(401);
    expect(await status(signIn(await idToken({ email: 'known@school.test', hd: 'gmail.com' })))).toBe(403);
  });
  it('unknown teacher: 403 under the refuse policy, provisioned under auto', async () => {
    expect(await status(signIn(await idToken({ sub: 'g-new', email: 'new@school.test' })))).toBe(403);
    expect(await t.db(T.accounts).where({ email: 'new@school.test' }).first()).toBeUndefined();
    const out = await signIn(await idToken({ sub: 'g-new', email: 'new@school.test', name: 'New Teacher' }), 'auto');
    expect(out.account).toMatchObject({ email: 'new@school.test', name: 'New Teacher', role: 'teacher' });
  });
  it('logout revokes the session', async () => {
    await makeAccount(t.db, { email: 'bye@school.test' });
    const out = await signIn(await idToken({ sub: 'g-bye', email: 'bye@school.test' }));
    const auth = createRoomloopAuthProvider({ db: t.db });
    const principal = await auth.authenticate(reqWith(out.token), ctx());
    await callHandler(t.db, 'auth.logout', { principal: principal as never });
    expect(await status(auth.authenticate(reqWith(out.token), ctx()))).toBe(401);
  });
});

describe('sk_live keys, roles and rate limits', () => {
  it('a created key authenticates, is stored hashed, and a wrong key is 401', async () => {
    const { key, id } = await createRoomloopKey(t.db, { role: 'admin' });
    expect(key).toMatch(/^sk_live_/);
    const row = await t.db(T.apiKeys).where({ id }).first();
    expect(JSON.stringify(row)).not.toContain(key);
    const auth = createRoomloopAuthProvider({ db: t.db });
    await expect(auth.authenticate(reqWith(key), ctx())).resolves.toMatchObject({ role: 'admin', via: 'bearer_key' });
    expect(await status(auth.authenticate(reqWith(`${key.slice(0, -2)}xx`), ctx()))).toBe(401);
    await expect(auth.authenticate(reqWith(), ctx())).resolves.toBeNull();
  });
  it('teachers lack admin capabilities; admins hold all', () => {
    const auth = createRoomloopAuthProvider({ db: t.db });
    const as = (role: string) => ({ principal: { role } }) as unknown as RequestContext;
    expect(auth.can(as('teacher'), 'roomloop.reservations.create')).toBe(true);
    expect(auth.can(as('teacher'), 'facilities.facilities.view')).toBe(true);
    for (const p of [
      'facilities.facilities.change',
      'roomloop.reservations.delete',
      'roomloop.accounts.create',
      'accounts.accounts.view',
      'roomloop.reports.export',
      'roomloop.webhooks.create',
    ]) {
      expect(auth.can(as('teacher'), p)).toBe(false);
      expect(auth.can(as('admin'), p)).toBe(true);
    }
  });
  it('per-token limit: headers on every request, then 429 rate_limited with Retry-After', async () => {
    const { key } = await createRoomloopKey(t.db, { role: 'teacher' });
    const { key: other } = await createRoomloopKey(t.db, { role: 'teacher' });
    const auth = createRoomloopAuthProvider({ db: t.db, perMinute: 3, clock: () => Date.UTC(2026, 5, 8, 9, 14, 20) });
    const req = reqWith(key);
    for (let i = 0; i < 3; i++) await auth.authenticate(req, ctx());
    const headers = (req.res as unknown as { headers: Record<string, string> }).headers;
    expect(headers['X-RateLimit-Limit']).toBe('3');
    expect(headers['X-RateLimit-Remaining']).toBe('0');
    const err = await auth.authenticate(reqWith(key), ctx()).then(
      () => null,
      (e: ApiError) => e,
    );
    expect(err).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(err!.headers?.['Retry-After']).toBe('40');
    expect(err!.headers?.['X-RateLimit-Remaining']).toBe('0');
    await expect(auth.authenticate(reqWith(other), ctx())).resolves.toBeTruthy();
  });
});
