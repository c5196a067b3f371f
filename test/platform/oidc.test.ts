/**
 * OAuth 2.0 / OpenID Connect sign-in against a real OpenID provider (the `oidc-provider` package) on
 * 127.0.0.1: the app asks for the redirect, the "browser" (fetch with a cookie jar) follows it through
 * the provider's login and consent pages back to the platform's callback, which answers the session
 * (or redirects to the app with the tokens in the fragment). Refusals: bad state, replayed state,
 * nonce mismatch, unknown or unconfigured provider, redirect_to outside the allowed list. The client
 * secret is sealed at rest and masked in GET /v1/auth-config.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client } from './helpers.ts';

const SECRET = 'oidc-client-secret-for-tests-0123456789';
const PEOPLE: Record<string, { email: string; email_verified: boolean; name: string }> = {
  ada: { email: 'ada@example.com', email_verified: true, name: 'Ada' },
  eve: { email: 'existing@example.com', email_verified: false, name: 'Eve' },
};

let svc: TestService;
let app: ReturnType<typeof client>;
let idp: Server;
let issuer: string;
let key: string;

beforeAll(async () => {
  svc = await startTestService('platform');
  key = await adminKey(svc, 'oidc-co');
  app = client(svc, key);
  idp = createServer();
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'platform-app',
        client_secret: SECRET,
        token_endpoint_auth_method: 'client_secret_post',
        redirect_uris: [`${svc.url}/v1/auth/oauth/acme/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id, ...PEOPLE[id] }) }),
  });
  idp.on('request', provider.callback());
}, 60_000);
afterAll(async () => {
  await new Promise((r) => idp?.close(r));
  await svc?.close();
});

/** A browser: follows redirects by hand, keeping each host's cookies. */
async function browse(start: string, account: string): Promise<Response> {
  const jar = new Map<string, string>();
  let url = start;
  let init: RequestInit = {};
  for (let hops = 0; hops < 20; hops++) {
    const cookie = [...jar.values()].join('; ');
    const res = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...((init.headers as Record<string, string>) ?? {}), ...(cookie && url.startsWith(issuer) ? { cookie } : {}) },
    });
    for (const c of res.headers.getSetCookie()) jar.set(c.split('=')[0]!, c.split(';')[0]!);
    init = {};
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location')!, url).href;
      continue;
    }
    if (!url.startsWith(issuer) || !url.includes('/interaction/')) return res;
    // The provider's development pages: the login form, then the consent form.
    const html = await res.text();
    const prompt = html.includes('name="login"') ? 'login' : 'consent';
    const form = new URLSearchParams(prompt === 'login' ? { prompt, login: account, password: 'any' } : { prompt });
    init = { method: 'POST', body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  }
  throw new Error('too many redirects');
}

/** GET /v1/auth/oauth/:provider as the app's backend does it: the 302 is read, not followed. */
async function begin(provider: string, query = ''): Promise<{ status: number; body: any; location: string | null }> {
  const res = await fetch(`${svc.api}auth/oauth/${provider}${query}`, { redirect: 'manual', headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: await res.json(), location: res.headers.get('location') };
}

it('answers 409 OAUTH_NOT_CONFIGURED for a provider the tenant has not configured', async () => {
  for (const p of ['google', 'acme']) {
    const r = await begin(p);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('OAUTH_NOT_CONFIGURED');
    expect(r.body.error.message).toContain('auth-config');
  }
  expect((await begin('Bad%20Name')).body.error.code).toBe('OAUTH_PROVIDER_UNKNOWN');
});

it('signs in through the provider with PKCE, state and nonce; the client secret is sealed and masked', async () => {
  const patched = await app('PATCH', 'auth-config', {
    oauth: { acme: { issuer, client_id: 'platform-app', client_secret: SECRET } },
    redirect_urls: ['https://app.oidc.test/signed-in'],
  });
  expect(patched.status).toBe(200);
  expect(patched.body.data.oauth.acme.client_secret).toBe('********');
  const row = await svc.db('pf_settings').where({ name: 'auth_config' }).first();
  expect(JSON.stringify(row.value)).not.toContain(SECRET);
  expect(row.value.oauth.acme.client_secret).toMatch(/^v1:/);
  expect((await app('GET', 'auth-config')).body.data.oauth.acme.client_secret).toBe('********');
  // Sending the mask back keeps the secret.
  await app('PATCH', 'auth-config', { oauth: { acme: { issuer, client_id: 'platform-app', client_secret: '********' } } });

  const start = await begin('acme');
  expect(start.status).toBe(302);
  expect(start.location).toBe(start.body.data.redirect_url);
  const to = new URL(start.location!);
  expect(to.origin).toBe(issuer);
  expect(to.searchParams.get('code_challenge_method')).toBe('S256');
  expect(to.searchParams.get('state')).toBeTruthy();
  expect(to.searchParams.get('nonce')).toBeTruthy();
  expect(to.searchParams.get('redirect_uri')).toBe(`${svc.url}/v1/auth/oauth/acme/callback`);

  const done = await browse(to.href, 'ada');
  const body = (await done.json()) as any;
  expect(done.status).toBe(200);
  expect(body.data).toMatchObject({ token_type: 'bearer', user: { email: 'ada@example.com', role: 'authenticated' } });
  const me = (await client(svc, body.data.access_token)('GET', 'auth/user')).body.data;
  expect(me).toMatchObject({ email: 'ada@example.com', email_verified: true, user_metadata: { name: 'Ada' } });

  // A second sign-in finds the linked user again.
  const again = await browse((await begin('acme')).body.data.redirect_url, 'ada');
  expect(((await again.json()) as any).data.user.id).toBe(me.id);

  // The state is single use: the callback URL the provider sent cannot be replayed.
  const s2 = new URL((await begin('acme')).body.data.redirect_url);
  let callback = '';
  await browseUntilCallback(s2.href, 'ada', (u) => (callback = u));
  const first = await fetch(callback);
  expect(first.status).toBe(200);
  const replay = await fetch(callback);
  expect(replay.status).toBe(400);
  expect(((await replay.json()) as any).error.code).toBe('OAUTH_STATE_INVALID');
});

/** Runs the dance but stops at the platform's callback, handing its URL over instead of opening it. */
async function browseUntilCallback(start: string, account: string, seen: (url: string) => void) {
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: any, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith(`${svc.url}/v1/auth/oauth/`) && url.includes('/callback')) {
      seen(url);
      return new Response('{}', { status: 200 });
    }
    return original(input, init);
  }) as typeof fetch;
  try {
    await browse(start, account);
  } finally {
    globalThis.fetch = original;
  }
}

it('refuses a bad state, a nonce that does not match, and redirect targets outside the allowed list', async () => {
  const bad = await fetch(`${svc.api}auth/oauth/acme/callback?code=x&state=forged`);
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as any).error.code).toBe('OAUTH_STATE_INVALID');

  // The stored nonce is changed between redirect and callback: the ID token's nonce no longer matches.
  const start = (await begin('acme')).body.data.redirect_url;
  const rows = await svc.db('pf_records').where({ kind: 'oauth_states' });
  for (const r of rows)
    await svc
      .db('pf_records')
      .where({ id: r.id })
      .update({ data: JSON.stringify({ ...r.data, nonce: 'another-nonce' }) });
  const res = await browse(start, 'ada');
  expect(res.status).toBe(401);
  const err = ((await res.json()) as any).error;
  expect(err.code).toBe('OAUTH_CALLBACK_FAILED');
  expect(err.message).toMatch(/nonce/i);

  const outside = await begin('acme', `?redirect_to=${encodeURIComponent('https://evil.test/')}`);
  expect(outside.status).toBe(400);
});

it('redirects to the app with the tokens in the fragment, and will not link an unverified address to an existing user', async () => {
  const start = await begin('acme', `?redirect_to=${encodeURIComponent('https://app.oidc.test/signed-in?x=1')}`);
  let final = '';
  const res = await browseUntil(start.body.data.redirect_url, 'ada', (u) => (final = u));
  expect(res).toBe(302);
  const url = new URL(final);
  expect(url.origin + url.pathname).toBe('https://app.oidc.test/signed-in');
  const frag = new URLSearchParams(url.hash.slice(1));
  expect(frag.get('token_type')).toBe('bearer');
  expect((await client(svc, frag.get('access_token')!)('GET', 'auth/user')).body.data.email).toBe('ada@example.com');

  await app('POST', 'auth/signup', { email: 'existing@example.com', password: 'correct-horse' });
  const eve = await browse((await begin('acme')).body.data.redirect_url, 'eve');
  expect(eve.status).toBe(409);
  expect(((await eve.json()) as any).error.code).toBe('SSO_EMAIL_UNVERIFIED');
});

/** Like browse, but stops at the first redirect that leaves both the provider and the platform. */
async function browseUntil(start: string, account: string, seen: (url: string) => void): Promise<number> {
  const original = globalThis.fetch;
  let status = 0;
  globalThis.fetch = (async (input: any, init?: RequestInit) => {
    const res = await original(input, init);
    const loc = res.headers.get('location');
    if (loc && !loc.startsWith('/') && !loc.startsWith(issuer) && !loc.startsWith(svc.url)) {
      seen(loc);
      status = res.status;
      return new Response('{}', { status: 200 });
    }
    return res;
  }) as typeof fetch;
  try {
    await browse(start, account);
  } finally {
    globalThis.fetch = original;
  }
  return status;
}

it('reads the provider under the egress policy: a metadata address is never fetched, loopback not under LOOP_EGRESS_PRIVATE=deny', async () => {
  const meta = await app('PATCH', 'auth-config', {
    oauth: { metadata: { issuer: 'https://169.254.169.254', client_id: 'x', client_secret: 'y' } },
  });
  if (meta.status === 200) {
    const r = await begin('metadata');
    expect(r.status).toBe(502);
    expect(r.body.error.message).toMatch(/169\.254\.169\.254.*(link-local|metadata)/i);
  } else expect(meta.status).toBe(400);

  // The provider this file signs in with listens on 127.0.0.1: refused while private addresses are denied.
  const saved = process.env.LOOP_EGRESS_PRIVATE;
  process.env.LOOP_EGRESS_PRIVATE = 'deny';
  try {
    await app('PATCH', 'auth-config', { oauth: { loopback: { issuer: `${issuer}/`, client_id: 'platform-app', client_secret: SECRET } } });
    const r = await begin('loopback');
    expect(r.status).toBe(502);
    expect(r.body.error.code).toBe('OAUTH_PROVIDER_UNREACHABLE');
  } finally {
    if (saved === undefined) delete process.env.LOOP_EGRESS_PRIVATE;
    else process.env.LOOP_EGRESS_PRIVATE = saved;
  }
});
