/**
 * register / login / logout / refresh (docs/api/loop-api.txt, "Auth Endpoints"; shapes of djangorestframework-simplejwt).
 * Login, register and password reset are throttled per IP and per email.
 */
import { ApiError } from '../../http/api-error.ts';
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import type { LoopArgs } from '../handler-kit/loop-args.ts';

import { enforceRateLimit } from '../../ratelimit/rate-limit.ts';
import { writeAuditBestEffort } from '../audit/write-audit.ts';
import { provisionCompany } from './company-provisioning.ts';
import { createUser } from './create-user.ts';
import { T } from './loop-schema.ts';
import { loopServices } from './loop-services.ts';
import { publishUserChanged } from '../tenancy/cache-sync.ts';
import { verifyPassword } from '../../security/password-hash.ts';
import { invalidToken } from './token-service.ts';
import { findActiveUser, findUserByEmail, normaliseEmail, publicUser } from './user-store.ts';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const meta = (a: ActionContext) => ({ ip: a.ctx.ip, requestId: a.ctx.requestId, appId: a.ctx.appId });

export async function register(a: LoopArgs<'auth.register'>): Promise<ActionResult> {
  const s = loopServices(a.ctx.db);
  const b = a.body;
  const email = str(b.email).trim();
  await enforceRateLimit(s.limiter, 'register:ip', a.ctx.ip, s.limits.registerPerIp);
  await enforceRateLimit(s.limiter, 'register:email', normaliseEmail(email), s.limits.registerPerEmail);
  const now = new Date(s.now());
  const user = await createUser(
    a.trx,
    {
      email,
      username: str(b.username),
      password: str(b.password),
      first_name: b.first_name == null ? null : str(b.first_name),
      last_name: b.last_name == null ? null : str(b.last_name),
    },
    now,
  );
  const companyName = str(b.company_name).trim();
  const provisioned = companyName ? await provisionCompany(a.trx, { name: companyName, ownerId: user.id, email, now }) : null;
  const tokens = await s.tokens.issuePair(a.trx, user);
  // Best effort: a user without a company has no company for the row (see writeAuditBestEffort).
  await writeAuditBestEffort(a.trx, {
    ...meta(a),
    action: 'register',
    resource: 'auth',
    recordId: user.id,
    actorId: user.id,
    companyId: provisioned?.company.id ?? null,
  });
  s.tenancy.invalidateUser(user.id);
  await publishUserChanged(s.db, a.trx, user.id);
  return {
    status: 201,
    body: { user: publicUser(user), company: provisioned?.company ?? null, access: tokens.access, refresh: tokens.refresh },
  };
}

export async function login(a: LoopArgs<'auth.login'>): Promise<ActionResult> {
  const s = loopServices(a.ctx.db);
  const b = a.body;
  const email = normaliseEmail(str(b.email));
  await enforceRateLimit(s.limiter, 'login:ip', a.ctx.ip, s.limits.loginPerIp);
  await enforceRateLimit(s.limiter, 'login:email', email, s.limits.loginPerEmail);
  const user = await findUserByEmail(a.trx, email);
  // verifyPassword spends the same time for a missing user, so timing does not reveal accounts.
  const ok = await verifyPassword(user?.password_hash, str(b.password));
  if (!user || !ok || !user.is_active) {
    // Answered (not thrown) so the transaction commits the audit row of the failed attempt.
    await writeAuditBestEffort(a.trx, {
      ...meta(a),
      action: 'login_failed',
      resource: 'auth',
      actorId: user?.id ?? null,
      changes: { email },
    });
    return { status: 401, body: { detail: 'No active account found with the given credentials', code: 'no_active_account' } };
  }
  const now = new Date(s.now());
  await a.trx(T.users).where({ id: user.id }).update({ last_login: now });
  const tokens = await s.tokens.issuePair(a.trx, user);
  await writeAuditBestEffort(a.trx, { ...meta(a), action: 'login', resource: 'auth', recordId: user.id, actorId: user.id });
  return { body: { access: tokens.access, refresh: tokens.refresh, user: publicUser({ ...user, last_login: now }) } };
}

export async function logout(a: LoopArgs<'auth.logout'>): Promise<ActionResult> {
  const s = loopServices(a.ctx.db);
  const refresh = str(a.body.refresh);
  if (!refresh)
    throw new ApiError(400, 'validation_error', 'refresh: This field is required.', { fields: { refresh: ['This field is required.'] } });
  const { userId } = await s.tokens.logout(a.trx, refresh);
  // A token of someone else cannot be used to log them out.
  if (a.ctx.principal && Number(a.ctx.principal.userId) !== userId) throw invalidToken();
  await writeAuditBestEffort(a.trx, { ...meta(a), action: 'logout', resource: 'auth', recordId: userId, actorId: userId });
  return { status: 204, body: null };
}

export async function refresh(a: LoopArgs<'auth.refresh'>): Promise<ActionResult> {
  const s = loopServices(a.ctx.db);
  const token = str(a.body.refresh);
  if (!token)
    throw new ApiError(400, 'validation_error', 'refresh: This field is required.', { fields: { refresh: ['This field is required.'] } });
  const pair = await s.tokens.rotate(a.trx, token, async (trx, id) => (await findActiveUser(trx, id)) ?? null);
  // A reused (already rotated) token revoked its session; answer 401 without rolling that back.
  if (pair.reused) return { status: 401, body: { detail: 'Token is blacklisted', code: 'token_not_valid' } };
  return { body: { access: pair.access, refresh: pair.refresh } };
}
