/**
 * Passkeys end to end through the generated platform server, driven by a software authenticator
 * (test/platform/passkeys-authenticator.ts) that produces real attestation and assertion objects:
 * registration, sign-in, list/delete, and the refusals (replayed challenge, wrong origin, counter
 * gone backwards, bad signature, unconfigured relying party).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';
import { SoftAuthenticator } from './passkeys-authenticator.ts';

const ORIGIN = 'https://app.passkeys.test';
const RP_ID = 'passkeys.test';

let svc: TestService;
let app: ReturnType<typeof client>;
let user: ReturnType<typeof client>;
let userId: string;

beforeAll(async () => {
  delete process.env.PLATFORM_WEBAUTHN_RP_ID;
  delete process.env.PLATFORM_WEBAUTHN_ORIGIN;
  svc = await startTestService('platform');
  app = client(svc, await adminKey(svc, 'passkey-co'));
  const up = await app('POST', 'auth/signup', { email: 'pia@example.com', password: 'correct-horse' });
  userId = up.body.data.user.id;
  user = client(svc, up.body.data.access_token);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

it('answers 409 PASSKEYS_NOT_CONFIGURED naming what to configure until the relying party is set', async () => {
  const r = await user('POST', 'auth/passkeys/register/begin', {});
  expect(r.status).toBe(409);
  expect(r.body.error.code).toBe('PASSKEYS_NOT_CONFIGURED');
  expect(r.body.error.message).toContain('rp_id');
  expect((await app('POST', 'auth/passkeys/authenticate/begin', {})).body.error.code).toBe('PASSKEYS_NOT_CONFIGURED');
  expect((await app('PATCH', 'auth-config', { passkeys: { rp_id: RP_ID, origins: [ORIGIN] } })).status).toBe(200);
});

it('registers a passkey, signs in with it, and refuses replays, wrong origins, old counters and bad signatures', async () => {
  const device = new SoftAuthenticator(ORIGIN, RP_ID);
  const begin = (await user('POST', 'auth/passkeys/register/begin', {})).body.data.options;
  expect(begin).toMatchObject({ rp: { id: RP_ID }, user: { name: 'pia@example.com' }, attestation: 'none' });
  expect(Buffer.from(begin.user.id, 'base64url').toString()).toBe(userId);

  // Wrong origin: refused, and the challenge is spent.
  const wrong = await user('POST', 'auth/passkeys/register/complete', {
    credential: device.register(begin, { origin: 'https://evil.test' }),
  });
  expect(wrong.status).toBe(400);
  expect(wrong.body.error.code).toBe('PASSKEY_VERIFICATION_FAILED');
  expect(wrong.body.error.message).toMatch(/origin/i);
  const spent = await user('POST', 'auth/passkeys/register/complete', { credential: device.register(begin) });
  expect(spent.body.error.code).toBe('PASSKEY_CHALLENGE_INVALID');

  const begin2 = (await user('POST', 'auth/passkeys/register/begin', {})).body.data.options;
  const done = await user('POST', 'auth/passkeys/register/complete', { credential: device.register(begin2), friendly_name: 'Test key' });
  expect(done.status).toBe(201);
  expect(done.body.data).toMatchObject({ user_id: userId, credential_id: device.id, friendly_name: 'Test key', last_used_at: null });
  expect(done.body.data.id).toMatch(/^pk_/);
  // Replaying the same registration: its challenge is gone.
  expect((await user('POST', 'auth/passkeys/register/complete', { credential: device.register(begin2) })).body.error.code).toBe(
    'PASSKEY_CHALLENGE_INVALID',
  );
  // The next registration excludes the registered credential.
  const begin3 = (await user('POST', 'auth/passkeys/register/begin', {})).body.data.options;
  expect(begin3.excludeCredentials).toEqual([expect.objectContaining({ id: device.id })]);

  // Sign in (the app's key asks, naming the user).
  const auth = (await app('POST', 'auth/passkeys/authenticate/begin', { email: 'pia@example.com' })).body.data.options;
  expect(auth.rpId).toBe(RP_ID);
  expect(auth.allowCredentials).toEqual([expect.objectContaining({ id: device.id })]);
  const assertion = device.assert(auth, { userHandle: userId });
  const session = await app('POST', 'auth/passkeys/authenticate/complete', { credential: assertion });
  expect(session.status).toBe(200);
  expect(session.body.data).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { id: userId, email: 'pia@example.com' } });
  expect((await client(svc, session.body.data.access_token)('GET', 'auth/user')).body.data.id).toBe(userId);

  // The same assertion again: the challenge was single use.
  const replay = await app('POST', 'auth/passkeys/authenticate/complete', { credential: assertion });
  expect(replay.status).toBe(400);
  expect(replay.body.error.code).toBe('PASSKEY_CHALLENGE_INVALID');

  const refusedWith = async (opts: Parameters<SoftAuthenticator['assert']>[1]) => {
    const o = (await app('POST', 'auth/passkeys/authenticate/begin', {})).body.data.options;
    const r = await app('POST', 'auth/passkeys/authenticate/complete', { credential: device.assert(o, opts) });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('PASSKEY_VERIFICATION_FAILED');
    return r.body.error.message as string;
  };
  expect(await refusedWith({ origin: 'https://evil.test' })).toMatch(/origin/i);
  // A cloned authenticator shows a counter at or below the stored one.
  expect(await refusedWith({ counter: 1 })).toMatch(/counter/i);
  expect(await refusedWith({ signWith: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey })).toMatch(/signature/i);
  expect(await refusedWith({ userHandle: 'usr_someone_else' })).toMatch(/user handle/i);

  // The counter moved on with the good sign-in only; a later assertion still works.
  const o = (await app('POST', 'auth/passkeys/authenticate/begin', {})).body.data.options;
  expect((await app('POST', 'auth/passkeys/authenticate/complete', { credential: device.assert(o) })).status).toBe(200);

  const listed = (await user('GET', 'auth/passkeys')).body.data;
  expect(listed).toEqual([expect.objectContaining({ id: done.body.data.id, credential_id: device.id, friendly_name: 'Test key' })]);
  expect(listed[0].last_used_at).toBeTruthy();

  // Another user's token sees none of them and cannot delete them.
  const other = await app('POST', 'auth/signup', { email: 'otto@example.com', password: 'correct-horse' });
  const otto = client(svc, other.body.data.access_token);
  expect((await otto('GET', 'auth/passkeys')).body.data).toEqual([]);
  expect((await otto('DELETE', `auth/passkeys/${device.id}`)).status).toBe(404);

  expect((await user('DELETE', `auth/passkeys/${device.id}`)).body.data).toEqual({ deleted: true });
  expect((await user('GET', 'auth/passkeys')).body.data).toEqual([]);
  const gone = (await app('POST', 'auth/passkeys/authenticate/begin', {})).body.data.options;
  expect((await app('POST', 'auth/passkeys/authenticate/complete', { credential: device.assert(gone) })).body.error.code).toBe(
    'PASSKEY_NOT_FOUND',
  );
});

it('refuses malformed credentials with a 400, never a 500', async () => {
  expect((await app('POST', 'auth/passkeys/authenticate/complete', { credential: 'nope' })).status).toBe(400);
  expect(
    (await app('POST', 'auth/passkeys/authenticate/complete', { credential: { id: 'x', response: { clientDataJSON: '!!' } } })).body.error
      .code,
  ).toBe('PASSKEY_CHALLENGE_INVALID');
  expect((await user('POST', 'auth/passkeys/register/complete', {})).status).toBe(400);
});
