/** Password reset, magic link, SMS codes, email verification and send-email through the platform outbox. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

let svc: TestService;
let app: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startTestService('platform');
  app = client(svc, await adminKey(svc, 'mail-co'));
  expect((await app('POST', 'auth/signup', { email: 'ola@example.com', password: 'correct-horse', phone: '+15551234567' })).status).toBe(
    201,
  );
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

/** The token of the newest outbox message to `to` (the link or code in its body). */
async function lastToken(to: string, pattern: RegExp): Promise<string> {
  const row = await svc.db('outbox_messages').where({ to }).orderBy('id', 'desc').first();
  const m = pattern.exec(row.body);
  if (!m) throw new Error(`no token in ${row.body}`);
  return decodeURIComponent(m[1]!);
}

it('sign-up mails a verification link that verifies the email once', async () => {
  const token = await lastToken('ola@example.com', /token=([^\s&]+)/);
  expect((await app('POST', 'auth/verify', { token })).body.data.verified).toBe(true);
  expect((await app('POST', 'auth/verify', { token })).status).toBe(401);
  expect((await svc.db('pf_users').where({ email: 'ola@example.com' }).first()).email_verified).toBe(true);
});

it('password reset: same answer for unknown emails, token works once and ends sessions', async () => {
  const before = await svc.db('outbox_messages').count({ n: '*' }).first();
  const unknown = await app('POST', 'auth/forgot-password', { email: 'nobody@example.com' });
  expect((await svc.db('outbox_messages').count({ n: '*' }).first())!.n).toBe(before!.n);
  const known = await app('POST', 'auth/forgot-password', { email: 'ola@example.com', redirect_to: 'https://app.example.com/reset' });
  expect(known.body.data).toEqual(unknown.body.data);
  const token = await lastToken('ola@example.com', /reset\?token=([^\s&]+)/);
  expect((await app('POST', 'auth/reset-password', { token, password: 'short' })).status).toBe(400);
  expect((await app('POST', 'auth/reset-password', { token, password: 'new-password-1' })).body.data.password_reset).toBe(true);
  expect((await app('POST', 'auth/reset-password', { token, password: 'new-password-2' })).status).toBe(401);
  expect((await app('POST', 'auth/login', { email: 'ola@example.com', password: 'correct-horse' })).status).toBe(401);
  expect((await app('POST', 'auth/login', { email: 'ola@example.com', password: 'new-password-1' })).status).toBe(200);
});

it('magic links sign in once', async () => {
  await app('POST', 'auth/magic-link', { email: 'ola@example.com' });
  const token = await lastToken('ola@example.com', /token=([^\s&]+)/);
  const r = await app('POST', 'auth/magic-link/verify', { token });
  expect(r.body.data.access_token).toBeTruthy();
  expect((await app('POST', 'auth/magic-link/verify', { token })).status).toBe(401);
});

it('SMS codes: five wrong tries burn the code; the right one signs in', async () => {
  expect((await app('POST', 'auth/otp/send', { phone: 'not-a-phone' })).status).toBe(400);
  await app('POST', 'auth/otp/send', { phone: '+15551234567' });
  const code = await lastToken('+15551234567', /code is (\d{6})/);
  const wrong = code === '000000' ? '111111' : '000000';
  expect((await app('POST', 'auth/otp/verify', { phone: '+15551234567', code: wrong })).status).toBe(401);
  const ok = await app('POST', 'auth/otp/verify', { phone: '+15551234567', code });
  expect(ok.body.data.access_token).toBeTruthy();

  await app('POST', 'auth/otp/send', { phone: '+15551234567' });
  const code2 = await lastToken('+15551234567', /code is (\d{6})/);
  const wrong2 = code2 === '000000' ? '111111' : '000000';
  for (let i = 0; i < 5; i++) await app('POST', 'auth/otp/verify', { phone: '+15551234567', code: wrong2 });
  expect((await app('POST', 'auth/otp/verify', { phone: '+15551234567', code: code2 })).status).toBe(401);
});

it('send-email queues a message in the outbox', async () => {
  const r = await app('POST', 'email/send', { to: 'client@example.com', subject: 'Hello', html: '<p>Hi <b>there</b></p>' });
  expect(r.body.data).toMatchObject({ queued: true, status: 'pending' });
  const row = await svc
    .db('outbox_messages')
    .where({ id: Number(r.body.data.message_id) })
    .first();
  expect(row).toMatchObject({ to: 'client@example.com', subject: 'Hello', body: 'Hi there', channel: 'email', status: 'pending' });
  expect((await app('POST', 'email/send', { to: 'nope', subject: 'x', text: 'y' })).status).toBe(400);
});
