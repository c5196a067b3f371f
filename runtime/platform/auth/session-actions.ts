/**
 * Tenant end-user auth (docs/api/platform-api.txt, "Auth"): sign up, log in, refresh, log out, current user, sessions.
 * Every call carries the tenant's API key (or the user's own token), which names the tenant.
 */
import { verifyPassword } from '../../security/password-hash.ts';
import type { ActionContext, ActionHandler } from '../../runtime-api.ts';
import { ApiError, notFound, unauthorized } from '../../http/api-error.ts';
import type { RateRule } from '../../ratelimit/rate-limit-store.ts';
import { sharedRateLimitStore } from '../../ratelimit/shared-rate-limit-store.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { sha256Hex as sha256 } from '../../security/token-hash.ts';
import { issueTokens } from '../auth/end-user-tokens.ts';
import { jwtKeyFor } from '../auth/jwt-key.ts';
import { issueTicket, verifiedFactors } from '../mfa/totp.ts';
import { bodyOf, endUserOf, iso, param, tenantOf } from '../http/action-context.ts';
import { sendVerification } from '../auth/email-flows.ts';
import { insertUser, patchUser, userView } from '../users/user-actions.ts';

/** One export, then none until an hour after it. */
const ONCE_AN_HOUR: RateRule = { kind: 'bucket', limit: 1, windowMs: 3_600_000 };

async function tokensFor(a: ActionContext, user: Record<string, unknown>) {
  await a.trx(T.users).where({ id: user.id }).update({ last_sign_in_at: new Date().toISOString() });
  return issueTokens(
    a.trx,
    jwtKeyFor(a.ctx.db),
    { id: String(user.id), email: String(user.email), role: String(user.role), companyId: tenantOf(a) },
    { ip: a.ctx.ip, userAgent: a.ctx.userAgent ?? undefined },
  );
}

function sessionView(r: Record<string, unknown>) {
  return {
    id: r.id,
    user_id: r.user_id,
    ip: r.ip ?? null,
    user_agent: r.user_agent ?? null,
    created_at: iso(r.created_at),
    last_active_at: iso(r.last_active_at ?? r.created_at),
    expires_at: iso(r.expires_at),
  };
}

export const sessionActions = {
  signUp: async (a) => {
    const b = bodyOf(a);
    const user = await insertUser(a, { email: b.email, password: b.password ?? '', phone: b.phone, user_metadata: b.user_metadata });
    await sendVerification(a, user);
    return { status: 201, body: await tokensFor(a, user) };
  },
  logIn: async (a) => {
    const b = bodyOf(a);
    const email = String(b.email ?? '')
      .trim()
      .toLowerCase();
    const user = await a
      .trx(T.users)
      .where({ company_id: tenantOf(a), email })
      .first();
    // One message for every failure, and one argon2 check whether or not the email exists (verifyPassword
    // spends it on a dummy hash), so neither the answer nor its timing tells which emails are registered.
    const passwordOk = await verifyPassword(user?.password, String(b.password ?? ''));
    const ok = passwordOk && user && !user.banned;
    if (!ok) throw unauthorized('Invalid email or password.', 'invalid_credentials');
    // With a verified MFA factor the password is only the first step: answer a ticket, not tokens.
    const factors = await verifiedFactors(a.trx, tenantOf(a), String(user.id));
    if (factors.length) {
      return {
        body: {
          mfa_required: true,
          mfa_ticket: await issueTicket(a.trx, tenantOf(a), String(user.id)),
          factors: factors.map((f) => ({ id: f.id, type: f.data.type ?? 'totp' })),
        },
      };
    }
    return { body: await tokensFor(a, user) };
  },
  /** Rotates the refresh token: the old session is revoked and a new one opened. */
  refreshTokens: async (a) => {
    const token = String(bodyOf(a).refresh_token ?? '');
    const s = await a
      .trx(T.sessions)
      .where({ company_id: tenantOf(a), refresh_hash: sha256(token) })
      .first();
    if (!s || s.revoked_at || (s.expires_at && new Date(s.expires_at).getTime() <= Date.now()))
      throw unauthorized('Invalid or expired refresh token.', 'invalid_token');
    const user = await a
      .trx(T.users)
      .where({ id: s.user_id, company_id: tenantOf(a) })
      .first();
    if (!user || user.banned) throw unauthorized('User is disabled.', 'invalid_token');
    await a.trx(T.sessions).where({ id: s.id }).update({ revoked_at: new Date().toISOString() });
    return { body: await tokensFor(a, user) };
  },
  logOut: async (a) => {
    const user = endUserOf(a);
    const token = bodyOf(a).refresh_token;
    const q = a
      .trx(T.sessions)
      .where({ company_id: tenantOf(a), user_id: user })
      .whereNull('revoked_at');
    // With a refresh token only that session ends; without, the current access token's sessions do.
    if (typeof token === 'string') q.where({ refresh_hash: sha256(token) });
    await q.update({ revoked_at: new Date().toISOString() });
    return { body: { message: 'Logged out.' } };
  },
  getCurrentUser: async (a) => {
    const row = await a
      .trx(T.users)
      .where({ id: endUserOf(a), company_id: tenantOf(a) })
      .first();
    if (!row) throw notFound('User not found.');
    return { body: userView(row) };
  },
  updateCurrentUser: async (a) => ({ body: userView(await patchUser(a, endUserOf(a), bodyOf(a), ['email', 'phone', 'user_metadata'])) }),
  createAnonymousSession: async (a) => {
    const user = await insertUser(a, { email: `anon-${newId('a').slice(2)}@anonymous.invalid`, role: 'anon' });
    return { status: 201, body: await tokensFor(a, user) };
  },
  exportUserData: async (a) => {
    const id = endUserOf(a);
    // "Rate-limited to once per hour" (docs/api/platform-api.txt), per user, across every process.
    const r = await sharedRateLimitStore(a.ctx.db).take(`platform-me-export:${tenantOf(a)}:${id}`, ONCE_AN_HOUR);
    if (!r.allowed) {
      throw new ApiError(429, 'rate_limited', `Your data can be exported once an hour; retry in ${r.retryAfterSeconds} s.`, {
        headers: { 'Retry-After': String(r.retryAfterSeconds) },
      });
    }
    const user = await a
      .trx(T.users)
      .where({ id, company_id: tenantOf(a) })
      .first();
    if (!user) throw notFound('User not found.');
    const objects = await a
      .trx(T.objects)
      .where({ company_id: tenantOf(a), created_by: id })
      .select('id', 'object_type_id', 'properties', 'created_at');
    const sessions = await a.trx(T.sessions).where({ company_id: tenantOf(a), user_id: id });
    return { body: { user: userView(user), objects, sessions: sessions.map(sessionView) } };
  },
  listSessions: async (a) => {
    const rows = await a
      .trx(T.sessions)
      .where({ company_id: tenantOf(a), user_id: endUserOf(a) })
      .whereNull('revoked_at')
      .orderBy('created_at', 'desc');
    // The list shape is the catalogue's (spec/platform/auth-sessions.yaml `list_shape: array`).
    return { body: rows.map(sessionView) };
  },
  revokeSession: async (a) => {
    const n = await a
      .trx(T.sessions)
      .where({ id: param(a, 'id'), company_id: tenantOf(a), user_id: endUserOf(a) })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date().toISOString() });
    if (!n) throw notFound('Session not found.');
    return { body: { revoked: true } };
  },
  revokeAllSessions: async (a) => {
    const n = await a
      .trx(T.sessions)
      .where({ company_id: tenantOf(a), user_id: endUserOf(a) })
      .whereNull('revoked_at')
      .update({ revoked_at: new Date().toISOString() });
    return { body: { revoked: n } };
  },
} satisfies Record<string, ActionHandler>;
