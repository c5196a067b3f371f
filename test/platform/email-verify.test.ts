/**
 * The verification link mailed at end-user sign-up (`GET /v1/auth/verify?token=ev_…`) works when opened
 * in a browser: no API key, the single-use token is the credential and names the tenant.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';
import { documented, loadDoc, operations } from '../fuzz/lib/operations.ts';

let svc: TestService;
let app: ReturnType<typeof client>;

beforeAll(async () => {
  svc = await startTestService('platform');
  app = client(svc, await adminKey(svc, 'verify-co'));
  expect((await app('POST', 'auth/signup', { email: 'vera@example.com', password: 'correct-horse' })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

async function mailedLink(to: string): Promise<string> {
  const row = await svc.db('outbox_messages').where({ to }).orderBy('id', 'desc').first();
  return /(https?:\/\/\S+\/v1\/auth\/verify\?token=\S+)/.exec(row.body)![1]!;
}

it('the mailed link verifies without an API key, once', async () => {
  const link = await mailedLink('vera@example.com');
  // Opened as a browser would: a plain GET, no Authorization header.
  const first = await fetch(link);
  expect(first.status).toBe(200);
  expect((await first.json()).data.verified).toBe(true);
  expect((await svc.db('pf_users').where({ email: 'vera@example.com' }).first()).email_verified).toBe(true);
  const again = await fetch(link);
  expect(again.status).toBe(401);
  expect((await again.json()).error.code).toBe('INVALID_TOKEN');
});

it('made-up, malformed and expired tokens are refused', async () => {
  expect((await fetch(`${svc.api}auth/verify?token=ev_made-up`)).status).toBe(401);
  expect((await fetch(`${svc.api}auth/verify?token=rt_not-a-verify-token`)).status).toBe(401);
  expect((await fetch(`${svc.api}auth/verify`)).status).toBe(400);
  const app = client(svc, await adminKey(svc, 'verify-co'));
  expect((await app('POST', 'auth/signup', { email: 'late@example.com', password: 'correct-horse' })).status).toBe(201);
  const link = await mailedLink('late@example.com');
  await svc
    .db('pf_records')
    .where({ kind: 'auth_tokens' })
    .whereRaw("data->>'purpose' = 'email_verify'")
    .update({ data: svc.db.raw(`jsonb_set(data, '{expires_at}', to_jsonb(?::text))`, [new Date(Date.now() - 1000).toISOString()]) });
  expect((await fetch(link)).status).toBe(401);
  expect((await svc.db('pf_users').where({ email: 'late@example.com' }).first()).email_verified).toBe(false);
});

it("a key of another tenant cannot spend this tenant's token", async () => {
  const app = client(svc, await adminKey(svc, 'verify-co'));
  expect((await app('POST', 'auth/signup', { email: 'kim@example.com', password: 'correct-horse' })).status).toBe(201);
  const token = new URL(await mailedLink('kim@example.com')).searchParams.get('token')!;
  const other = client(svc, await adminKey(svc, 'other-co'));
  expect((await other('POST', 'auth/verify', { token })).status).toBe(401);
  expect((await app('POST', 'auth/verify', { token })).body.data.verified).toBe(true);
});

it('signing up with an email the tenant has (any case) is 409 email_taken, a status the document lists', async () => {
  const again = await app('POST', 'auth/signup', { email: 'VERA@example.com', password: 'another-horse' });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('EMAIL_TAKEN');
  const op = operations(loadDoc('platform')).find((o) => o.key === 'POST /auth/signup');
  expect(documented(op!, 409)?.['application/json']).toBeTruthy();
});
