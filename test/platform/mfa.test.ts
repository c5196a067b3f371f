/**
 * End-user TOTP MFA through the generated platform server: enroll, verify, gated login, recovery,
 * removal; the TOTP secret is sealed at rest and legacy plaintext factors still work.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let app: ReturnType<typeof client>;
let user: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startTestService('platform');
  app = client(svc, await adminKey(svc, 'mfa-co'));
  const up = await app('POST', 'auth/signup', { email: 'mia@example.com', password: 'correct-horse' });
  user = client(svc, up.body.data.access_token);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

const codeFor = (secret: string, offset = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offset });
/** Rows anywhere in pf_records whose JSON holds `text` (the TOTP secret must be in none). */
const rowsHolding = async (text: string) =>
  (await svc
    .db('pf_records')
    .whereRaw('data::text like ?', [`%${text}%`])
    .count('* as n')
    .first())!.n;
const factorRow = async (id: string) => svc.db('pf_records').where({ id }).first();

const publicCall = async (path: string, body: unknown) => {
  const res = await fetch(svc.api + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
};

it('enrolls, verifies and gates the login behind a TOTP code', async () => {
  const en = (await user('POST', 'auth/mfa/enroll', { friendly_name: 'Phone' })).body.data;
  expect(en.totp.uri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
  const secret = en.totp.secret;
  expect(Number(await rowsHolding(secret))).toBe(0);
  expect((await factorRow(en.factor_id)).data.secret).toMatch(/^v1:/);
  expect((await user('GET', 'auth/mfa/factors')).body.data).toEqual([expect.objectContaining({ id: en.factor_id, status: 'unverified' })]);

  // Not yet verified: login still answers tokens.
  expect((await app('POST', 'auth/login', { email: 'mia@example.com', password: 'correct-horse' })).body.data.access_token).toBeTruthy();

  expect(
    (await user('POST', 'auth/mfa/verify', { factor_id: en.factor_id, code: '000000' === codeFor(secret) ? '111111' : '000000' })).status,
  ).toBe(400);
  const ok = (await user('POST', 'auth/mfa/verify', { factor_id: en.factor_id, code: codeFor(secret) })).body.data;
  expect(ok.verified).toBe(true);
  expect(ok.recovery_codes).toHaveLength(10);
  expect(Number(await rowsHolding(secret))).toBe(0);

  const login = (await app('POST', 'auth/login', { email: 'mia@example.com', password: 'correct-horse' })).body.data;
  expect(login).toMatchObject({ mfa_required: true, factors: [{ id: en.factor_id, type: 'totp' }] });
  expect(login.access_token).toBeUndefined();

  const bad = await publicCall('auth/mfa/complete', { mfa_ticket: login.mfa_ticket, code: codeFor(secret, 10 * 60_000) });
  expect(bad.status).toBe(401);
  const done = await publicCall('auth/mfa/complete', { mfa_ticket: login.mfa_ticket, code: codeFor(secret) });
  expect(done.status).toBe(200);
  expect(done.body.data.access_token).toBeTruthy();
  // Single use.
  expect((await publicCall('auth/mfa/complete', { mfa_ticket: login.mfa_ticket, code: codeFor(secret) })).body.error.code).toBe(
    'INVALID_MFA_TICKET',
  );

  const ch = (await client(svc, done.body.data.access_token)('POST', 'auth/mfa/challenge', { code: codeFor(secret) })).body.data;
  expect(ch.verified).toBe(true);

  // Recovery codes work once.
  const l2 = (await app('POST', 'auth/login', { email: 'mia@example.com', password: 'correct-horse' })).body.data;
  const rec = await publicCall('auth/mfa/recover', { mfa_ticket: l2.mfa_ticket, recovery_code: ok.recovery_codes[0] });
  expect(rec.body.data.access_token).toBeTruthy();
  const l3 = (await app('POST', 'auth/login', { email: 'mia@example.com', password: 'correct-horse' })).body.data;
  expect((await publicCall('auth/mfa/recover', { mfa_ticket: l3.mfa_ticket, recovery_code: ok.recovery_codes[0] })).status).toBe(401);

  // Five wrong codes burn the ticket.
  const l4 = (await app('POST', 'auth/login', { email: 'mia@example.com', password: 'correct-horse' })).body.data;
  for (let i = 0; i < 5; i++) await publicCall('auth/mfa/complete', { mfa_ticket: l4.mfa_ticket, code: 'nope' });
  expect((await publicCall('auth/mfa/complete', { mfa_ticket: l4.mfa_ticket, code: codeFor(secret) })).body.error.code).toBe(
    'INVALID_MFA_TICKET',
  );

  // Removing the factor ends the gate.
  expect((await user('DELETE', `auth/mfa/${en.factor_id}`)).body.data.unenrolled).toBe(true);
  expect((await app('POST', 'auth/login', { email: 'mia@example.com', password: 'correct-horse' })).body.data.access_token).toBeTruthy();
});

it('a legacy plaintext factor still gates the login and is sealed on its next write', async () => {
  const up = await app('POST', 'auth/signup', { email: 'leo@example.com', password: 'correct-horse' });
  const leo = client(svc, up.body.data.access_token);
  const en = (await leo('POST', 'auth/mfa/enroll', {})).body.data;
  const secret = en.totp.secret;
  const ok = (await leo('POST', 'auth/mfa/verify', { factor_id: en.factor_id, code: codeFor(secret) })).body.data;
  // As a database from before sealing holds it.
  const row = await factorRow(en.factor_id);
  await svc
    .db('pf_records')
    .where({ id: en.factor_id })
    .update({ data: JSON.stringify({ ...row.data, secret }) });
  expect(Number(await rowsHolding(secret))).toBe(1);

  const l1 = (await app('POST', 'auth/login', { email: 'leo@example.com', password: 'correct-horse' })).body.data;
  expect((await publicCall('auth/mfa/complete', { mfa_ticket: l1.mfa_ticket, code: codeFor(secret) })).body.data.access_token).toBeTruthy();
  // Using a recovery code rewrites the factor row: the secret goes back sealed and still works.
  const l2 = (await app('POST', 'auth/login', { email: 'leo@example.com', password: 'correct-horse' })).body.data;
  expect((await publicCall('auth/mfa/recover', { mfa_ticket: l2.mfa_ticket, recovery_code: ok.recovery_codes[0] })).status).toBe(200);
  expect(Number(await rowsHolding(secret))).toBe(0);
  expect((await factorRow(en.factor_id)).data.secret).toMatch(/^v1:/);
  const l3 = (await app('POST', 'auth/login', { email: 'leo@example.com', password: 'correct-horse' })).body.data;
  expect((await publicCall('auth/mfa/complete', { mfa_ticket: l3.mfa_ticket, code: codeFor(secret) })).body.data.access_token).toBeTruthy();
});

it('API keys are not end users', async () => {
  expect((await app('POST', 'auth/mfa/enroll', {})).status).toBe(403);
});
