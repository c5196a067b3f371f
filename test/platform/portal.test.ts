/**
 * Public portal sign-in end to end through the generated platform server: every flow of the platform
 * API document's "Portal Auth" section and its refusals (reused and expired links, wrong codes,
 * throttling per address and per IP, enumeration-safe answers, unconfigured tenants).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { startService, type StartedService } from '../../runtime/serve/start-service.ts';
import { ROOT, startTestService, type TestService } from '../helpers/test-service.ts';
import { adminKey, client, type Call } from './helpers.ts';

let svc: TestService;

/** A public (key-less) call, optionally against another server on the same database. */
async function portal(path: string, body: unknown, base = svc.api): Promise<Call & { headers: Headers }> {
  const res = await fetch(`${base}auth/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** A tenant with the portal enabled (limits as given). */
async function tenant(slug: string, extra: Record<string, unknown> = {}): Promise<string> {
  const app = client(svc, await adminKey(svc, slug));
  const r = await app('PATCH', 'auth-config', { portal: { enabled: true, site_url: `https://${slug}.example.com/portal`, ...extra } });
  expect(r.status).toBe(200);
  return slug;
}

async function lastMessage(to: string) {
  return svc.db('outbox_messages').where({ to }).orderBy('id', 'desc').first();
}

async function lastToken(to: string): Promise<string> {
  const row = await lastMessage(to);
  const m = /token=([^\s&]+)/.exec(row?.body ?? '');
  if (!m) throw new Error(`no token in ${row?.body}`);
  return decodeURIComponent(m[1]!);
}

async function lastCode(phone: string): Promise<string> {
  return /code is (\d{6})/.exec((await lastMessage(phone)).body)![1]!;
}

const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');

beforeAll(async () => {
  svc = await startTestService('platform');
}, 60_000);
afterAll(async () => {
  await svc?.close();
});

describe('configuration', () => {
  it('names what to configure instead of answering 501', async () => {
    await adminKey(svc, 'no-portal');
    const off = await portal('portal-login', { tenant_id: 'no-portal', email: 'a@example.com', password: 'x' });
    expect(off.status).toBe(403);
    expect(off.body.error.code).toBe('PORTAL_NOT_CONFIGURED');
    expect(off.body.error.message).toContain('/v1/auth-config');
    const none = await portal('portal-magic-link', { email: 'a@example.com' });
    expect(none.status).toBe(400);
    expect(none.body.error.code).toBe('TENANT_REQUIRED');
    expect((await portal('portal-signup', { tenant_id: 'nobody-here', email: 'a@example.com', password: 'x' })).body.error.code).toBe(
      'TENANT_NOT_FOUND',
    );
  });
});

describe('sign-up, e-mail verification, login', () => {
  beforeAll(async () => {
    await tenant('shop');
  });

  it('signs up a portal identity apart from tenant users, with a session', async () => {
    expect((await portal('portal-signup', { tenant_id: 'shop', email: 'ana@example.com', password: 'password' })).status).toBe(400);
    const r = await portal('portal-signup', {
      tenant_id: 'shop',
      email: 'Ana@Example.com',
      password: 'violet-tractor-41',
      user_metadata: { name: 'Ana' },
    });
    expect(r.status).toBe(200);
    expect(r.body.data).toMatchObject({
      token_type: 'bearer',
      expires_in: 3600,
      user: { email: 'ana@example.com', role: 'authenticated' },
    });
    expect(r.body.data.refresh_token).toMatch(/^rt_/);
    const row = await svc.db('pf_portal_identities').where({ email: 'ana@example.com' }).first();
    expect(row.password).toMatch(/^\$argon2id\$/);
    expect(await svc.db('pf_users').where({ email: 'ana@example.com' }).first()).toBeUndefined();
    expect(await svc.db('pf_sessions').where({ user_id: row.id }).first()).toBeTruthy();
    const dup = await portal('portal-signup', { tenant_id: 'shop', email: 'ana@example.com', password: 'violet-tractor-42' });
    expect(dup.status).toBe(409);
  });

  it('mails a verification link under the portal site that verifies once', async () => {
    const msg = await lastMessage('ana@example.com');
    expect(msg.body).toContain('https://shop.example.com/portal/auth/verify-email?token=pev_');
    expect(JSON.stringify(msg.payload)).not.toContain('pev_');
    const token = await lastToken('ana@example.com');
    expect(await svc.db('pf_portal_tokens').where({ token_hash: token }).first()).toBeUndefined();
    const ok = await portal('portal-verify-email', { token });
    expect(ok.status).toBe(200);
    expect(ok.body.data.message).toBeTruthy();
    expect((await svc.db('pf_portal_identities').where({ email: 'ana@example.com' }).first()).email_verified).toBe(true);
    const again = await portal('portal-verify-email', { token });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('INVALID_TOKEN');
  });

  it('logs in; a wrong password and an unknown address get one answer', async () => {
    const ok = await portal('portal-login', { tenant_id: 'shop', email: 'ana@example.com', password: 'violet-tractor-41' });
    expect(ok.status).toBe(200);
    expect(ok.body.data.access_token).toBeTruthy();
    const wrong = await portal('portal-login', { tenant_id: 'shop', email: 'ana@example.com', password: 'nope-nope-nope' });
    const unknown = await portal('portal-login', { tenant_id: 'shop', email: 'zed@example.com', password: 'nope-nope-nope' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.error).toEqual(unknown.body.error);
  });
});

describe('enumeration-safe answers', () => {
  beforeAll(async () => {
    await tenant('quiet');
    expect((await portal('portal-signup', { tenant_id: 'quiet', email: 'known@example.com', password: 'granite-owl-77' })).status).toBe(
      200,
    );
  });

  it('identify answers alike for known and unknown addresses, with and without a named tenant', async () => {
    const known = await portal('portal-identify', { tenant_id: 'quiet', email: 'known@example.com' });
    const unknown = await portal('portal-identify', { tenant_id: 'quiet', email: 'ghost@example.com' });
    expect(known.status).toBe(200);
    expect(known.body.data).toEqual(unknown.body.data);
    expect(known.body.data.tenants).toHaveLength(1);

    const before = Number((await svc.db('outbox_messages').count({ n: '*' }).first())!.n);
    const k2 = await portal('portal-identify', { email: 'known@example.com' });
    const u2 = await portal('portal-identify', { email: 'ghost@example.com' });
    expect(k2.body.data).toEqual(u2.body.data);
    expect(k2.body.data).toMatchObject({ tenant_id: null, tenants: [] });
    // Only the real address is told where it can sign in.
    expect(Number((await svc.db('outbox_messages').count({ n: '*' }).first())!.n)).toBe(before + 1);
    expect((await lastMessage('known@example.com')).body).toContain('https://quiet.example.com/portal');
  });

  it('forgot-password answers alike and mails only the real address', async () => {
    const before = Number((await svc.db('outbox_messages').count({ n: '*' }).first())!.n);
    const unknown = await portal('portal-forgot-password', { tenant_id: 'quiet', email: 'ghost@example.com' });
    expect(Number((await svc.db('outbox_messages').count({ n: '*' }).first())!.n)).toBe(before);
    const known = await portal('portal-forgot-password', { tenant_id: 'quiet', email: 'known@example.com' });
    expect(known.status).toBe(200);
    expect(known.body.data).toEqual(unknown.body.data);
    expect(Number((await svc.db('outbox_messages').count({ n: '*' }).first())!.n)).toBe(before + 1);
  });
});

describe('password reset', () => {
  beforeAll(async () => {
    await tenant('resets', { redirect_urls: ['https://app.resets.example.com/account/'] });
    expect((await portal('portal-signup', { tenant_id: 'resets', email: 'bo@example.com', password: 'amber-kettle-12' })).status).toBe(200);
  });

  it('resets once, ends the sessions, and refuses a reused link', async () => {
    const login = await portal('portal-login', { tenant_id: 'resets', email: 'bo@example.com', password: 'amber-kettle-12' });
    const identity = await svc.db('pf_portal_identities').where({ email: 'bo@example.com' }).first();
    await portal('portal-forgot-password', {
      tenant_id: 'resets',
      email: 'bo@example.com',
      redirect_to: 'https://app.resets.example.com/account/reset',
    });
    const token = await lastToken('bo@example.com');
    expect((await lastMessage('bo@example.com')).body).toContain('https://app.resets.example.com/account/reset?token=ppr_');
    expect((await portal('portal-reset-password', { token, password: '12345678' })).status).toBe(400);
    const ok = await portal('portal-reset-password', { token, password: 'cobalt-lantern-9' });
    expect(ok.status).toBe(200);
    expect((await portal('portal-reset-password', { token, password: 'cobalt-lantern-10' })).status).toBe(401);
    const open = await svc.db('pf_sessions').where({ user_id: identity.id }).whereNull('revoked_at');
    expect(open).toEqual([]);
    expect(login.status).toBe(200);
    expect((await portal('portal-login', { tenant_id: 'resets', email: 'bo@example.com', password: 'amber-kettle-12' })).status).toBe(401);
    expect((await portal('portal-login', { tenant_id: 'resets', email: 'bo@example.com', password: 'cobalt-lantern-9' })).status).toBe(200);
  });

  it('refuses a redirect outside the portal site for known and unknown addresses alike', async () => {
    for (const email of ['bo@example.com', 'ghost@example.com']) {
      const r = await portal('portal-forgot-password', { tenant_id: 'resets', email, redirect_to: 'https://evil.example.net/steal' });
      expect(r.status).toBe(400);
      expect(r.body.error.message).toContain('redirect_to');
    }
  });
});

describe('magic links', () => {
  beforeAll(async () => {
    await tenant('links');
    expect((await portal('portal-signup', { tenant_id: 'links', email: 'cy@example.com', password: 'saffron-rocket-3' })).status).toBe(200);
  });

  it('sign in once; a reused link is refused', async () => {
    expect((await portal('portal-magic-link', { tenant_id: 'links', email: 'cy@example.com' })).status).toBe(200);
    const token = await lastToken('cy@example.com');
    expect(token).toMatch(/^pml_/);
    const r = await portal('portal-magic-link-verify', { token });
    expect(r.status).toBe(200);
    expect(r.body.data.user.email).toBe('cy@example.com');
    const again = await portal('portal-magic-link-verify', { token });
    expect(again.status).toBe(401);
  });

  it('an expired link is refused; a newer link replaces an older one', async () => {
    await portal('portal-magic-link', { tenant_id: 'links', email: 'cy@example.com' });
    const older = await lastToken('cy@example.com');
    await portal('portal-magic-link', { tenant_id: 'links', email: 'cy@example.com' });
    const newer = await lastToken('cy@example.com');
    expect((await portal('portal-magic-link-verify', { token: older })).status).toBe(401);
    await svc
      .db('pf_portal_tokens')
      .where({ purpose: 'magic_link' })
      .whereNull('used_at')
      .update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    const expired = await portal('portal-magic-link-verify', { token: newer });
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('INVALID_TOKEN');
    expect((await portal('portal-magic-link-verify', { token: 'pml_made-up' })).status).toBe(401);
  });
});

describe('SMS one-time codes', () => {
  beforeAll(async () => {
    // Room for the code tests below; the per-address limit itself is tested under throttling.
    await tenant('texts', { rate_limits: { per_address: 20 } });
    expect(
      (await portal('portal-signup', { tenant_id: 'texts', email: 'di@example.com', password: 'mosaic-pillow-5', phone: '+15550001111' }))
        .status,
    ).toBe(200);
  });

  it('a wrong code is refused, the right one signs in once (tenant found from the code)', async () => {
    expect((await portal('portal-otp-send', { tenant_id: 'texts', phone: 'not-a-phone' })).status).toBe(400);
    expect((await portal('portal-otp-send', { tenant_id: 'texts', phone: '+15550001111' })).status).toBe(200);
    const code = await lastCode('+15550001111');
    const wrong = await portal('portal-otp-verify', { phone: '+15550001111', code: wrongOf(code) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('INVALID_OTP');
    const ok = await portal('portal-otp-verify', { phone: '+15550001111', code });
    expect(ok.status).toBe(200);
    expect(ok.body.data.user.email).toBe('di@example.com');
    expect((await portal('portal-otp-verify', { tenant_id: 'texts', phone: '+15550001111', code })).status).toBe(401);
    expect((await svc.db('pf_portal_identities').where({ email: 'di@example.com' }).first()).phone_verified).toBe(true);
  });

  it('five wrong codes burn the code; unknown numbers get the same answer and no SMS', async () => {
    await portal('portal-otp-send', { tenant_id: 'texts', phone: '+15550001111' });
    const code = await lastCode('+15550001111');
    for (let i = 0; i < 5; i++)
      expect((await portal('portal-otp-verify', { tenant_id: 'texts', phone: '+15550001111', code: wrongOf(code) })).status).toBe(401);
    expect((await portal('portal-otp-verify', { tenant_id: 'texts', phone: '+15550001111', code })).status).toBe(401);
    const known = await portal('portal-otp-send', { tenant_id: 'texts', phone: '+15550001111' });
    const unknown = await portal('portal-otp-send', { tenant_id: 'texts', phone: '+15550009999' });
    expect(unknown.body.data).toEqual(known.body.data);
    expect(await lastMessage('+15550009999')).toBeUndefined();
  });
});

describe('throttling', () => {
  it('per address: the sixth request for one address in the window is refused with Retry-After', async () => {
    await tenant('throttle-a', { rate_limits: { per_address: 3, per_ip: 100 } });
    for (let i = 0; i < 3; i++)
      expect((await portal('portal-magic-link', { tenant_id: 'throttle-a', email: 'ed@example.com' })).status).toBe(200);
    const over = await portal('portal-magic-link', { tenant_id: 'throttle-a', email: 'ed@example.com' });
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('RATE_LIMITED');
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not held back by this one.
    expect((await portal('portal-magic-link', { tenant_id: 'throttle-a', email: 'fi@example.com' })).status).toBe(200);
  });

  it('per address on login: failed attempts count, then even the right password waits', async () => {
    await tenant('throttle-l', { rate_limits: { per_address: 3, per_ip: 100 } });
    expect((await portal('portal-signup', { tenant_id: 'throttle-l', email: 'gus@example.com', password: 'pepper-canyon-8' })).status).toBe(
      200,
    );
    for (let i = 0; i < 3; i++)
      expect((await portal('portal-login', { tenant_id: 'throttle-l', email: 'gus@example.com', password: 'wrong-one-here' })).status).toBe(
        401,
      );
    expect((await portal('portal-login', { tenant_id: 'throttle-l', email: 'gus@example.com', password: 'pepper-canyon-8' })).status).toBe(
      429,
    );
  });

  it('per IP across addresses, counted in PostgreSQL so a second server on the same database sees it', async () => {
    await tenant('throttle-ip', { rate_limits: { per_address: 100, per_ip: 4 } });
    const second: StartedService = await startService({
      root: ROOT,
      service: 'platform',
      db: svc.db,
      dataDir: join(ROOT, '.loopgen', 'test-data', `platform-${process.pid}`),
      workers: false,
    });
    try {
      const base2 = second.url + (second.openapi.servers?.[0]?.url ?? '/');
      const bases = [svc.api, base2, svc.api, base2];
      for (let i = 0; i < 4; i++)
        expect((await portal('portal-forgot-password', { tenant_id: 'throttle-ip', email: `u${i}@example.com` }, bases[i])).status).toBe(
          200,
        );
      expect((await portal('portal-forgot-password', { tenant_id: 'throttle-ip', email: 'u9@example.com' }, base2)).status).toBe(429);
      expect((await portal('portal-forgot-password', { tenant_id: 'throttle-ip', email: 'u9@example.com' })).status).toBe(429);
    } finally {
      await second.close();
    }
    expect(await svc.db('pf_portal_attempts').where('bucket', 'like', 'send:%').first()).toBeTruthy();
  });
});
