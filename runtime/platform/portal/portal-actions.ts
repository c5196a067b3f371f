/**
 * Public portal sign-in for a tenant's customers (the platform API document, "Portal Auth"): sign up,
 * log in, identify, password reset, magic link, SMS code, e-mail verification. Portal identities are
 * not tenant users: they live in pf_portal_identities; their sessions are the platform's end-user
 * sessions (auth/end-user-tokens.ts). Links and codes go out through the outbox in the request's
 * transaction (runtime/effects). Refusals after a throttle count are answered, not thrown, so the count
 * commits (portal-throttle.ts). Identify and forgot-password answer alike for unknown addresses.
 */
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { ApiError, conflict, validation } from '../../http/api-error.ts';
import { errorBody } from '../../http/render-error.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { E164, enqueueSms } from '../../effects/sms/sms-outbox.ts';
import { hashPassword, verifyPassword } from '../../security/password-hash.ts';
import { passwordProblems } from '../../security/password-policy.ts';
import { newId } from '../../security/random-ids.ts';
import { T } from '../tables.ts';
import { issueTokens } from '../auth/end-user-tokens.ts';
import { jwtKeyFor } from '../auth/jwt-key.ts';
import { asObject, bodyOf } from '../http/action-context.ts';
import { tenantPublicId } from '../tenants/public-id.ts';
import {
  namedTenant,
  portalConfig,
  portalLink,
  portalNotConfigured,
  requireConfig,
  requireTenant,
  type PortalConfig,
} from './portal-config.ts';
import { DEFAULT_LIMITS, throttle } from './portal-throttle.ts';
import { checkCode, issueCode, issueLinkToken, takeLinkToken } from './portal-tokens.ts';
import { portalIdentityResource } from '../../../generated/platform/server/portal.ts';

const IDENTITIES = portalIdentityResource.table;
const SENT = { message: 'If the address has a portal account, a message is on its way.' };
const IDENTIFY_SENT = 'If the address has portal accounts, it has been mailed the portals it can sign in to.';

function answer(a: ActionContext, err: ApiError): ActionResult {
  const body = errorBody(err, 'platform', a.ctx.requestId);
  return { status: err.status, buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}

function emailOf(v: unknown): string {
  const email = typeof v === 'string' ? v.trim().toLowerCase() : '';
  if (!email) throw validation({ email: ['This field is required.'] });
  return email;
}

function phoneOf(v: unknown): string {
  const phone = String(v ?? '').replace(/[\s()-]/g, '');
  if (!E164.test(phone)) throw validation({ phone: ['must be an E.164 number, e.g. +15551234567'] });
  return phone;
}

function checkPassword(password: unknown, email: string | null): string {
  if (typeof password !== 'string' || !password) throw validation({ password: ['This field is required.'] });
  const problems = passwordProblems(password, { email });
  if (problems.length) throw validation({ password: problems });
  return password;
}

async function identityByEmail(a: ActionContext, tenantId: number, email: string) {
  return a
    .trx(IDENTITIES)
    .where({ company_id: String(tenantId), email })
    .first();
}

/** The document's session body; the identity's sign-in is recorded with it. */
async function signIn(a: ActionContext, tenantId: number, identity: Record<string, unknown>, patch: Record<string, unknown> = {}) {
  await a
    .trx(IDENTITIES)
    .where({ id: identity.id })
    .update({ ...patch, last_sign_in_at: new Date().toISOString(), updated_at: a.trx.fn.now() });
  const tokens = await issueTokens(
    a.trx,
    jwtKeyFor(a.ctx.db),
    { id: String(identity.id), email: String(identity.email ?? ''), role: 'authenticated', companyId: tenantId },
    { ip: a.ctx.ip, userAgent: a.ctx.userAgent ?? undefined },
  );
  return { body: tokens };
}

async function mail(a: ActionContext, tenantId: number, to: string, subject: string, text: string, kind: string, identityId: string) {
  // The payload never holds the secret: the outbox is readable by operators.
  await enqueueMail(a.trx, { to, subject, text, companyId: tenantId, payload: { kind: `portal_${kind}`, identity_id: identityId } });
}

/** Mails a single-use link to the identity with the body's email, when there is one; the answer is the same either way. */
async function mailLink(
  a: ActionContext,
  purpose: 'magic_link' | 'password_reset',
  path: string,
  subject: string,
  text: (url: string) => string,
) {
  const b = bodyOf(a);
  const email = emailOf(b.email);
  const tenant = await requireTenant(a);
  const c = await requireConfig(a, tenant.id);
  await throttle(a, 'send', tenant.id, c, email);
  // Checked before the lookup, so a bad redirect_to is refused alike for known and unknown addresses.
  portalLink(c, path, b.redirect_to, 'check');
  const identity = await identityByEmail(a, tenant.id, email);
  if (identity && !identity.banned) {
    const url = portalLink(c, path, b.redirect_to, await issueLinkToken(a, tenant.id, String(identity.id), purpose));
    await mail(a, tenant.id, email, subject, text(url.href), purpose, String(identity.id));
  }
  return { body: SENT };
}

async function sendVerification(a: ActionContext, c: PortalConfig, tenantId: number, identity: Record<string, unknown>) {
  const url = portalLink(c, 'auth/verify-email', undefined, await issueLinkToken(a, tenantId, String(identity.id), 'email_verify'));
  await mail(
    a,
    tenantId,
    String(identity.email),
    'Confirm your email address',
    `Confirm your email address within 24 hours: ${url.href}`,
    'email_verify',
    String(identity.id),
  );
}

/** Takes a link token, then throttles per IP in its tenant (or in none, for a token nobody issued). */
async function takeLink(a: ActionContext, purpose: 'email_verify' | 'magic_link' | 'password_reset', token: unknown) {
  const taken = await takeLinkToken(a, purpose, token);
  const c = taken ? await portalConfig(a, taken.tenantId) : null;
  await throttle(a, 'verify', taken?.tenantId ?? '*', c ?? DEFAULT_LIMITS);
  if (taken && !c) throw portalNotConfigured();
  const identity =
    taken &&
    (await a
      .trx(IDENTITIES)
      .where({ id: taken.identityId, company_id: String(taken.tenantId) })
      .first());
  return identity && !identity.banned ? { tenantId: taken!.tenantId, identity } : null;
}

const refused = (a: ActionContext, message: string, code = 'invalid_token') => answer(a, new ApiError(401, code, message));

export const portalActions = {
  signup: async (a) => {
    const b = bodyOf(a);
    const email = emailOf(b.email);
    const tenant = await requireTenant(a);
    const c = await requireConfig(a, tenant.id);
    if (!c.signupEnabled)
      throw new ApiError(403, 'portal_signup_disabled', 'Sign-up is turned off for this portal (auth-config portal.signup_enabled).');
    await throttle(a, 'send', tenant.id, c, email);
    const password = checkPassword(b.password, email);
    const phone = b.phone === undefined || b.phone === '' ? null : phoneOf(b.phone);
    if (await identityByEmail(a, tenant.id, email))
      throw conflict('An account with this email already exists; sign in or reset the password.', 'identity_exists');
    const [identity] = await a
      .trx(IDENTITIES)
      .insert({
        id: newId('pid'),
        company_id: String(tenant.id),
        email,
        phone,
        password: await hashPassword(password),
        user_metadata: JSON.stringify(asObject(b.user_metadata)),
        created_at: a.trx.fn.now(),
        updated_at: a.trx.fn.now(),
      })
      .returning('*');
    await sendVerification(a, c, tenant.id, identity);
    return signIn(a, tenant.id, identity);
  },
  login: async (a) => {
    const b = bodyOf(a);
    const email = emailOf(b.email);
    const tenant = await requireTenant(a);
    const c = await requireConfig(a, tenant.id);
    await throttle(a, 'login', tenant.id, c, email);
    const identity = await identityByEmail(a, tenant.id, email);
    // verifyPassword spends an argon2 check on a dummy hash when there is no identity, so timing tells nothing.
    const ok = (await verifyPassword(identity?.password, String(b.password ?? ''))) && identity && !identity.banned;
    if (!ok) return refused(a, 'Invalid email or password.', 'invalid_credentials');
    return signIn(a, tenant.id, identity);
  },
  identify: async (a) => {
    const email = emailOf(bodyOf(a).email);
    const tenant = await namedTenant(a);
    if (tenant) {
      const c = await requireConfig(a, tenant.id);
      await throttle(a, 'identify', tenant.id, c, email);
      // The named tenant for every address: the answer must not tell whether this one has an account there.
      return {
        body: {
          tenant_id: tenantPublicId(tenant.id),
          multiple_tenants: false,
          tenants: [{ id: tenantPublicId(tenant.id), name: tenant.name }],
          message: null,
        },
      };
    }
    await throttle(a, 'identify', '*', DEFAULT_LIMITS, email);
    const rows: Record<string, unknown>[] = await a
      .trx(IDENTITIES)
      .joinRaw('join ?? on ??::text = ??', [T.tenants, `${T.tenants}.id`, `${IDENTITIES}.company_id`])
      .where(`${IDENTITIES}.email`, email)
      .where(`${IDENTITIES}.banned`, false)
      .where(`${T.tenants}.status`, 'active')
      .select(`${T.tenants}.id`, `${T.tenants}.name`, `${T.tenants}.brand_name`);
    const lines: string[] = [];
    for (const r of rows) {
      const c = await portalConfig(a, Number(r.id));
      if (c) lines.push(`${r.brand_name ?? r.name}: ${c.siteUrl.href}`);
    }
    if (lines.length) {
      await enqueueMail(a.trx, {
        to: email,
        subject: 'Your sign-in portals',
        text: `You can sign in to:\n${lines.join('\n')}`,
        companyId: null,
        payload: { kind: 'portal_identify' },
      });
    }
    return { body: { tenant_id: null, multiple_tenants: false, tenants: [], message: IDENTIFY_SENT } };
  },
  requestPasswordReset: async (a) =>
    mailLink(
      a,
      'password_reset',
      'auth/reset-password',
      'Reset your password',
      (url) => `Reset your password within 30 minutes: ${url}\nIf you did not ask for this, ignore this message.`,
    ),
  resetPassword: async (a) => {
    const b = bodyOf(a);
    if (typeof b.password !== 'string' || !b.password) throw validation({ password: ['This field is required.'] });
    const hit = await takeLink(a, 'password_reset', b.token);
    if (!hit) return refused(a, 'The reset link is invalid, used or expired.');
    // Policy failures after the token was spent would burn it; the transaction rolls the spend back with the 400.
    const password = checkPassword(b.password, hit.identity.email ?? null);
    await a
      .trx(IDENTITIES)
      .where({ id: hit.identity.id })
      .update({ password: await hashPassword(password), updated_at: a.trx.fn.now() });
    // Whoever held the old password is signed out everywhere.
    await a
      .trx(T.sessions)
      .where({ company_id: String(hit.tenantId), user_id: hit.identity.id })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date().toISOString() });
    return { body: { message: 'Your password has been reset; sign in with the new one.' } };
  },
  sendMagicLink: async (a) =>
    mailLink(a, 'magic_link', 'auth/magic-link', 'Your sign-in link', (url) => `Sign in within 15 minutes: ${url}`),
  verifyMagicLink: async (a) => {
    const hit = await takeLink(a, 'magic_link', bodyOf(a).token);
    if (!hit) return refused(a, 'The sign-in link is invalid, used or expired.');
    // Following the link proves the mailbox.
    return signIn(a, hit.tenantId, hit.identity, { email_verified: true });
  },
  sendOtp: async (a) => {
    const phone = phoneOf(bodyOf(a).phone);
    const tenant = await requireTenant(a);
    const c = await requireConfig(a, tenant.id);
    await throttle(a, 'send', tenant.id, c, phone);
    const identity = await a
      .trx(IDENTITIES)
      .where({ company_id: String(tenant.id), phone, banned: false })
      .orderBy('created_at')
      .first();
    if (identity) {
      const code = await issueCode(a, tenant.id, String(identity.id), phone);
      await enqueueSms(a.trx, {
        to: phone,
        text: `Your sign-in code is ${code}. It expires in 10 minutes.`,
        companyId: tenant.id,
        payload: { kind: 'portal_sms_otp', identity_id: identity.id },
      });
    }
    return { body: { message: 'If the number has a portal account, a code is on its way.' } };
  },
  verifyOtp: async (a) => {
    const b = bodyOf(a);
    const phone = phoneOf(b.phone);
    const code = typeof b.code === 'string' ? b.code.trim() : '';
    const named = await namedTenant(a);
    const c = named ? await requireConfig(a, named.id) : null;
    await throttle(a, 'verify', named?.id ?? '*', c ?? DEFAULT_LIMITS, phone);
    const check = await checkCode(a, phone, /^\d{6}$/.test(code) ? code : '', named?.id ?? null);
    if (!check.ok) return refused(a, 'The code is invalid or has expired.', 'invalid_otp');
    const config = c ?? (await portalConfig(a, check.token.tenantId));
    if (!config) throw portalNotConfigured();
    const identity = await a
      .trx(IDENTITIES)
      .where({ id: check.token.identityId, company_id: String(check.token.tenantId) })
      .first();
    if (!identity || identity.banned) return refused(a, 'The code is invalid or has expired.', 'invalid_otp');
    return signIn(a, check.token.tenantId, identity, { phone_verified: true });
  },
  verifyEmail: async (a) => {
    const hit = await takeLink(a, 'email_verify', bodyOf(a).token);
    if (!hit) return refused(a, 'The verification link is invalid, used or expired.');
    await a.trx(IDENTITIES).where({ id: hit.identity.id }).update({ email_verified: true, updated_at: a.trx.fn.now() });
    return { body: { message: 'Your email address is verified.' } };
  },
} satisfies Record<string, ActionHandler>;
