/**
 * Passwordless and recovery flows of tenant end users (docs/api/platform-api.txt, "Auth"): password reset, magic
 * link, SMS one-time code, email verification, and send-email. Messages are queued in the platform
 * outbox (outbox_messages via runtime/effects/mail and sms) inside the request transaction; with
 * SMTP_URL the mail worker delivers them, otherwise they wait there. One-time tokens are pf_records
 * rows (kind `auth_tokens`) holding only a SHA-256 hash, a purpose and an expiry; codes allow 5 wrong
 * tries (answered, not thrown, so the count commits). Unknown addresses get the same answer as known
 * ones, so these endpoints do not reveal who has an account.
 */
import { randomInt } from 'node:crypto';
import { hashPassword } from '../../security/password-hash.ts';
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { ApiError, validation } from '../../http/api-error.ts';
import { errorBody } from '../../http/render-error.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { E164, enqueueSms } from '../../effects/sms/sms-outbox.ts';
import { T } from '../tables.ts';
import { newId, newToken as newSecret } from '../../security/random-ids.ts';
import { sha256Hex as sha256 } from '../../security/token-hash.ts';
import { issueTokens } from '../auth/end-user-tokens.ts';
import { jwtKeyFor } from '../auth/jwt-key.ts';
import { bodyOf, tenantOf } from '../http/action-context.ts';

type Purpose = 'password_reset' | 'magic_link' | 'sms_otp' | 'email_verify';
const TTL_MS: Record<Purpose, number> = {
  password_reset: 3600_000,
  magic_link: 15 * 60_000,
  sms_otp: 10 * 60_000,
  email_verify: 7 * 24 * 3600_000,
};
const MAX_FAILURES = 5;
const KIND = 'auth_tokens';

async function saveToken(a: ActionContext, userId: string, purpose: Purpose, secret: string) {
  // A new token replaces older unused ones of the same purpose.
  await a
    .trx(T.records)
    .where({ company_id: tenantOf(a), kind: KIND, parent_id: userId })
    .whereRaw("data->>'purpose' = ?", [purpose])
    .delete();
  await a.trx(T.records).insert({
    id: newId('atk'),
    company_id: tenantOf(a),
    kind: KIND,
    parent_id: userId,
    data: JSON.stringify({ purpose, hash: sha256(secret), expires_at: new Date(Date.now() + TTL_MS[purpose]).toISOString(), failures: 0 }),
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
}

/** The user id a valid token belongs to (and consumes it), or null. */
async function takeToken(a: ActionContext, purpose: Purpose, secret: unknown, userId?: string): Promise<string | null> {
  if (typeof secret !== 'string' || !secret) return null;
  const q = a
    .trx(T.records)
    .where({ company_id: tenantOf(a), kind: KIND })
    .whereRaw("data->>'purpose' = ? and data->>'hash' = ?", [purpose, sha256(secret)]);
  if (userId) q.where({ parent_id: userId });
  const row = await q.first();
  if (!row || new Date(row.data.expires_at).getTime() <= Date.now()) return null;
  await a.trx(T.records).where({ id: row.id }).delete();
  return row.parent_id;
}

function link(base: unknown, fallback: string, token: string): string {
  const url = typeof base === 'string' && URL.canParse(base) ? new URL(base) : new URL(fallback);
  url.searchParams.set('token', token);
  return url.toString();
}

async function userByEmail(a: ActionContext, email: unknown) {
  if (typeof email !== 'string' || !email.includes('@')) throw validation({ email: ['must be an email address'] });
  return a
    .trx(T.users)
    .where({ company_id: tenantOf(a), email: email.trim().toLowerCase() })
    .first();
}

function refuse(a: ActionContext, message: string, code = 'invalid_token'): ActionResult {
  const body = errorBody(new ApiError(401, code, message), 'platform', a.ctx.requestId);
  return { status: 401, buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}

async function signIn(a: ActionContext, userId: string, patch: Record<string, unknown> = {}) {
  const user = await a
    .trx(T.users)
    .where({ id: userId, company_id: tenantOf(a) })
    .first();
  if (!user || user.banned) return refuse(a, 'User is disabled.');
  await a
    .trx(T.users)
    .where({ id: user.id })
    .update({ ...patch, last_sign_in_at: new Date().toISOString() });
  return {
    body: await issueTokens(
      a.trx,
      jwtKeyFor(a.ctx.db),
      { id: String(user.id), email: String(user.email), role: String(user.role), companyId: tenantOf(a) },
      { ip: a.ctx.ip, userAgent: a.ctx.userAgent ?? undefined },
    ),
  };
}

/** Queues the verification mail for a new user (called by sign-up). */
export async function sendVerification(a: ActionContext, user: Record<string, unknown>, redirectTo?: unknown): Promise<void> {
  const token = newSecret('ev_', 24);
  await saveToken(a, String(user.id), 'email_verify', token);
  const url = link(redirectTo, `${a.baseUrl}/v1/auth/verify`, token);
  await enqueueMail(a.trx, {
    to: String(user.email),
    subject: 'Confirm your email address',
    text: `Confirm your email address: ${url}`,
    companyId: tenantOf(a),
    payload: { kind: 'email_verify', user_id: user.id },
  });
}

/** Mails a single-use link to the active user with the body's `email`; unknown addresses get no mail and no hint. */
async function mailLink(a: ActionContext, purpose: Purpose, prefix: string, path: string, subject: string, text: (url: string) => string) {
  const b = bodyOf(a);
  const user = await userByEmail(a, b.email);
  if (!user || user.banned) return;
  const token = newSecret(prefix, 24);
  await saveToken(a, user.id, purpose, token);
  const url = link(b.redirect_to, `${a.baseUrl}${path}`, token);
  await enqueueMail(a.trx, {
    to: user.email,
    subject,
    text: text(url),
    companyId: tenantOf(a),
    payload: { kind: purpose, user_id: user.id },
  });
}

const SENT = { message: 'If the address has an account, a message is on its way.' };

/**
 * The link is opened from the e-mail in a browser, which carries no API key (GET auth/verify is public):
 * the single-use token is the credential and names its tenant. A caller with a key stays in its tenant.
 * One DELETE … RETURNING takes the token, so a link raced twice verifies once.
 */
async function verifyEmail(a: ActionContext, token: unknown): Promise<ActionResult> {
  if (typeof token !== 'string' || !token.startsWith('ev_')) return refuse(a, 'The verification link is invalid or has expired.');
  return a.trx.transaction(async (trx) => {
    const q = trx(T.records)
      .where({ kind: KIND })
      .whereRaw("data->>'purpose' = 'email_verify' and data->>'hash' = ? and (data->>'expires_at')::timestamptz > now()", [sha256(token)]);
    if (a.ctx.tenant) q.where({ company_id: a.ctx.tenant.companyId });
    const [row] = await q.delete(['company_id', 'parent_id']);
    if (!row) return refuse(a, 'The verification link is invalid or has expired.');
    await trx(T.users).where({ id: row.parent_id, company_id: row.company_id }).update({ email_verified: true, updated_at: trx.fn.now() });
    return { body: { verified: true, user_id: row.parent_id } };
  });
}

export const emailFlowActions = {
  requestPasswordReset: async (a) => {
    await mailLink(
      a,
      'password_reset',
      'pr_',
      '/v1/auth/reset-password',
      'Reset your password',
      (url) => `Reset your password within an hour: ${url}\nIf you did not ask for this, ignore this message.`,
    );
    return { body: SENT };
  },
  resetPassword: async (a) => {
    const b = bodyOf(a);
    if (typeof b.password !== 'string' || b.password.length < 8 || b.password.length > 200)
      throw validation({ password: ['must be 8 to 200 characters'] });
    const userId = await takeToken(a, 'password_reset', b.token);
    if (!userId) return refuse(a, 'The reset token is invalid or has expired.');
    await a
      .trx(T.users)
      .where({ id: userId, company_id: tenantOf(a) })
      .update({ password: await hashPassword(b.password), updated_at: a.trx.fn.now() });
    // Every session ends: whoever held the old password is signed out.
    await a
      .trx(T.sessions)
      .where({ company_id: tenantOf(a), user_id: userId })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date().toISOString() });
    return { body: { password_reset: true } };
  },
  sendMagicLink: async (a) => {
    await mailLink(a, 'magic_link', 'ml_', '/v1/auth/magic-link/verify', 'Your sign-in link', (url) => `Sign in within 15 minutes: ${url}`);
    return { body: SENT };
  },
  verifyMagicLink: async (a) => {
    const userId = await takeToken(a, 'magic_link', bodyOf(a).token);
    if (!userId) return refuse(a, 'The sign-in link is invalid or has expired.');
    // Following the link proves the mailbox.
    return signIn(a, userId, { email_verified: true });
  },
  sendSmsOtp: async (a) => {
    const phone = String(bodyOf(a).phone ?? '').replace(/[\s()-]/g, '');
    if (!E164.test(phone)) throw validation({ phone: ['must be an E.164 number, e.g. +15551234567'] });
    const user = await a
      .trx(T.users)
      .where({ company_id: tenantOf(a), phone })
      .first();
    if (user && !user.banned) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      await saveToken(a, user.id, 'sms_otp', code);
      await enqueueSms(a.trx, {
        to: phone,
        text: `Your sign-in code is ${code}. It expires in 10 minutes.`,
        companyId: tenantOf(a),
        payload: { kind: 'sms_otp', user_id: user.id },
      });
    }
    return { body: SENT };
  },
  verifyOtp: async (a) => {
    const b = bodyOf(a);
    const phone = String(b.phone ?? '').replace(/[\s()-]/g, '');
    const user = await a
      .trx(T.users)
      .where({ company_id: tenantOf(a), phone })
      .first('id');
    const row =
      user &&
      (await a
        .trx(T.records)
        .where({ company_id: tenantOf(a), kind: KIND, parent_id: user.id })
        .whereRaw("data->>'purpose' = 'sms_otp'")
        .first());
    if (!row) return refuse(a, 'The code is invalid or has expired.', 'invalid_otp');
    const userId = await takeToken(a, 'sms_otp', String(b.code ?? ''), user.id);
    if (!userId) {
      const failures = Number(row.data.failures ?? 0) + 1;
      if (failures >= MAX_FAILURES) await a.trx(T.records).where({ id: row.id }).delete();
      else
        await a
          .trx(T.records)
          .where({ id: row.id })
          .update({ data: JSON.stringify({ ...row.data, failures }) });
      return refuse(a, 'The code is invalid or has expired.', 'invalid_otp');
    }
    return signIn(a, userId, { phone_verified: true });
  },
  verifyEmail: async (a) => verifyEmail(a, a.query.token),
  verifyEmail2: async (a) => verifyEmail(a, bodyOf(a).token),
  sendEmail: async (a) => {
    const b = bodyOf(a);
    const to = String(b.to ?? '');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) throw validation({ to: ['must be an email address'] });
    if (typeof b.subject !== 'string' || !b.subject) throw validation({ subject: ['is required'] });
    if (typeof b.text !== 'string' && typeof b.html !== 'string') throw validation({ text: ['give text or html'] });
    const text = typeof b.text === 'string' ? b.text : String(b.html).replace(/<[^>]+>/g, '');
    const id = await enqueueMail(a.trx, {
      to,
      subject: b.subject,
      text,
      html: typeof b.html === 'string' ? b.html : undefined,
      companyId: tenantOf(a),
      payload: { kind: 'api', from: b.from ?? null, reply_to: b.reply_to ?? null },
    });
    return { body: { sent: false, queued: true, message_id: String(id), status: 'pending' } };
  },
} satisfies Record<string, ActionHandler>;
