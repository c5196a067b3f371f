/**
 * Password reset (beyond the placeholder in docs/api/loop-api.txt): a single-use token, valid one hour,
 * stored only as a SHA-256 digest and mailed through the outbox. The request always answers 202 with
 * the same body, so it never reveals whether an email exists; confirming sets the new password,
 * spends every other reset token of the user and revokes all their sessions.
 */
import { validation } from '../../http/api-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';
import { enforceRateLimit } from '../../ratelimit/rate-limit.ts';
import { writeAuditBestEffort } from '../audit/write-audit.ts';
import { enqueueMail } from '../../effects/mail/mailer.ts';
import { assertPasswordAcceptable } from './create-user.ts';
import { T } from './loop-schema.ts';
import { loopServices } from './loop-services.ts';
import { hashPassword } from '../../security/password-hash.ts';
import { randomToken, sha256Hex } from '../../security/token-hash.ts';
import { findUserByEmail, normaliseEmail } from './user-store.ts';

export const RESET_TTL_MS = 60 * 60 * 1000;
const ACCEPTED = { detail: 'If an account exists for this email, a password reset link has been sent.' };

export async function passwordReset(a: LoopArgs<'auth.passwordReset'>): Promise<ActionResult> {
  const s = loopServices(a.ctx.db);
  const email = normaliseEmail(String(a.body.email ?? ''));
  await enforceRateLimit(s.limiter, 'reset:ip', a.ctx.ip, s.limits.resetPerIp);
  await enforceRateLimit(s.limiter, 'reset:email', email, s.limits.resetPerEmail);
  const user = await findUserByEmail(a.trx, email);
  if (user && user.is_active) {
    const now = s.now();
    const token = randomToken();
    await a.trx(T.passwordResets).insert({
      user_id: user.id,
      token_hash: sha256Hex(token),
      expires_at: new Date(now + RESET_TTL_MS),
      created_at: new Date(now),
      updated_at: new Date(now),
    });
    const link = linkFor('reset-password', token, a.baseUrl);
    await enqueueMail(a.trx, {
      to: user.email,
      subject: 'Reset your LOOP password',
      text: `Someone asked to reset the password of your LOOP account.\n\nReset it here (valid for one hour, usable once):\n${link}\n\nOr send this token to POST /api/v1/auth/password-reset-confirm/: ${token}\n\nIf this was not you, ignore this email.`,
      payload: { kind: 'password_reset', user_id: user.id },
    });
    await writeAuditBestEffort(a.trx, {
      action: 'password_reset_requested',
      resource: 'auth',
      recordId: user.id,
      actorId: user.id,
      ip: a.ctx.ip,
      requestId: a.ctx.requestId,
      appId: a.ctx.appId,
    });
  }
  return { status: 202, body: ACCEPTED };
}

export async function passwordResetConfirm(a: LoopArgs<'auth.passwordResetConfirm'>): Promise<ActionResult> {
  const s = loopServices(a.ctx.db);
  const b = a.body;
  const token = String(b.token ?? '');
  const password = String(b.new_password ?? '');
  const now = new Date(s.now());
  const row = token
    ? await a
        .trx(T.passwordResets)
        .where({ token_hash: sha256Hex(token) })
        .whereNull('used_at')
        .where('expires_at', '>', now)
        .forUpdate()
        .first()
    : undefined;
  if (!row) throw validation({ token: ['This reset token is invalid or has expired.'] });
  const user = await a.trx(T.users).where({ id: row.user_id, is_active: true }).whereNull('deleted_at').first();
  if (!user) throw validation({ token: ['This reset token is invalid or has expired.'] });
  assertPasswordAcceptable(password, user, 'new_password');
  await a
    .trx(T.users)
    .where({ id: user.id })
    .update({ password_hash: await hashPassword(password), updated_at: now });
  // Single use: this token and any other outstanding one of the user are spent.
  await a.trx(T.passwordResets).where({ user_id: user.id }).whereNull('used_at').update({ used_at: now, updated_at: now });
  await s.tokens.revokeAllForUser(a.trx, user.id);
  await writeAuditBestEffort(a.trx, {
    action: 'password_reset',
    resource: 'auth',
    recordId: user.id,
    actorId: user.id,
    ip: a.ctx.ip,
    requestId: a.ctx.requestId,
    appId: a.ctx.appId,
  });
  return { body: { detail: 'Your password has been reset. Please log in again.' } };
}

/** Link into the frontend (`LOOP_FRONTEND_URL`), or this API's base when none is configured. */
export function linkFor(page: string, token: string, baseUrl: string): string {
  const base = (process.env.LOOP_FRONTEND_URL ?? baseUrl).replace(/\/+$/, '');
  return `${base}/${page}?token=${encodeURIComponent(token)}`;
}
