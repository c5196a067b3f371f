/**
 * End-user MFA (docs/api/platform-api.txt, "Auth MFA"): TOTP enrollment (secret + otpauth:// URI), verification that
 * activates the factor and answers ten one-time recovery codes, factor list/removal, the
 * MFA-gated login (`auth.logIn` answers an mfa_ticket; complete/recover exchange it for tokens) and
 * a code check for a signed-in user (challenge). A ticket allows 5 wrong codes, then it is burnt:
 * failures are answered (not thrown) so the attempt count commits.
 */
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { ApiError, notFound, validation } from '../../http/api-error.ts';
import { errorBody } from '../../http/render-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { sha256Hex as sha256 } from '../../security/token-hash.ts';
import { issueTokens } from '../auth/end-user-tokens.ts';
import { jwtKeyFor } from '../auth/jwt-key.ts';
import { checkCode, consumeTicket, FACTORS, findTicket, newTotp, recoveryCodes, storedSecret, verifiedFactors } from '../mfa/totp.ts';
import { resealed } from '../../secrets/seal.ts';
import { bodyOf, endUserOf, iso, param, tenantOf } from '../http/action-context.ts';

const MAX_TICKET_FAILURES = 5;

function factorView(r: Record<string, any>) {
  return {
    id: r.id,
    type: r.data?.type ?? 'totp',
    friendly_name: r.data?.friendly_name ?? null,
    status: r.data?.verified_at ? 'verified' : 'unverified',
    created_at: iso(r.created_at),
    verified_at: r.data?.verified_at ?? null,
  };
}

async function factorOf(a: ActionContext, id: unknown) {
  const row = await a
    .trx(T.records)
    .where({ company_id: tenantOf(a), kind: FACTORS, parent_id: endUserOf(a), id: String(id ?? '') })
    .first();
  if (!row) throw notFound('MFA factor not found.');
  return row;
}

function refuse(a: ActionContext, message: string, code = 'invalid_mfa_code'): ActionResult {
  const body = errorBody(new ApiError(401, code, message), 'platform', a.ctx.requestId);
  return { status: 401, buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}

async function tokensForTicket(a: ActionContext, t: { id: string; tenant: number; userId: string }) {
  const user = await a.trx(T.users).where({ id: t.userId, company_id: t.tenant }).first();
  await consumeTicket(a.trx, t.id);
  if (!user || user.banned) return refuse(a, 'User is disabled.', 'invalid_token');
  await a.trx(T.users).where({ id: user.id }).update({ last_sign_in_at: new Date().toISOString() });
  return {
    body: await issueTokens(
      a.trx,
      jwtKeyFor(a.ctx.db),
      { id: String(user.id), email: String(user.email), role: String(user.role), companyId: t.tenant },
      { ip: a.ctx.ip, userAgent: a.ctx.userAgent ?? undefined },
    ),
  };
}

/** Counts a failed code against the ticket; the fifth burns it. */
async function failTicket(a: ActionContext, ticketId: string): Promise<ActionResult> {
  const row = await a.trx(T.records).where({ id: ticketId }).first('data');
  const failures = Number(row?.data?.failures ?? 0) + 1;
  if (failures >= MAX_TICKET_FAILURES) await consumeTicket(a.trx, ticketId);
  else
    await a
      .trx(T.records)
      .where({ id: ticketId })
      .update({ data: JSON.stringify({ ...row.data, failures }) });
  return refuse(a, failures >= MAX_TICKET_FAILURES ? 'Too many wrong codes; log in again.' : 'The code is not valid.');
}

export const mfaActions = {
  enrollTotpFactor: async (a) => {
    const userId = endUserOf(a);
    const user = await a
      .trx(T.users)
      .where({ id: userId, company_id: tenantOf(a) })
      .first('email');
    const tenant = await a
      .trx(T.tenants)
      .where({ id: tenantOf(a) })
      .first('name', 'brand_name');
    const totp = newTotp(String(tenant?.brand_name ?? tenant?.name ?? 'Platform'), String(user?.email ?? userId));
    const id = newId('mfa');
    const friendly = String(bodyOf(a).friendly_name ?? 'Authenticator app');
    await a.trx(T.records).insert({
      id,
      company_id: tenantOf(a),
      kind: FACTORS,
      parent_id: userId,
      data: JSON.stringify({
        type: 'totp',
        friendly_name: friendly,
        secret: storedSecret(totp.secret.base32),
        verified_at: null,
        recovery_hashes: [],
      }),
      created_by: userId,
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    // qr_uri is what an authenticator's QR code carries (the otpauth:// URI), for the client to render.
    return {
      status: 201,
      secret: true,
      body: {
        factor_id: id,
        type: 'totp',
        friendly_name: friendly,
        totp: { secret: totp.secret.base32, uri: totp.toString(), qr_uri: totp.toString(), qr_code: totp.toString() },
      },
    };
  },
  verifyTotpCode: async (a) => {
    const b = bodyOf(a);
    const f = await factorOf(a, b.factor_id);
    if (!checkCode(f.data.secret, b.code)) throw validation({ code: ['is not the current code of this factor'] });
    if (f.data.verified_at) return { body: { verified: true, factor_id: f.id } };
    const codes = recoveryCodes();
    await a
      .trx(T.records)
      .where({ id: f.id })
      .update({
        data: JSON.stringify({
          ...f.data,
          secret: resealed(f.data.secret),
          verified_at: new Date().toISOString(),
          recovery_hashes: codes.map(sha256),
        }),
        updated_at: a.trx.fn.now(),
      });
    return { secret: true, body: { verified: true, factor_id: f.id, recovery_codes: codes } };
  },
  listMfaFactors: async (a) => {
    const rows = await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: FACTORS, parent_id: endUserOf(a) })
      .orderBy('created_at')
      .orderBy('id');
    return { body: rows.map(factorView) };
  },
  unenrollMfaFactor: async (a) => {
    const f = await factorOf(a, param(a, 'factor_id'));
    await a.trx(T.records).where({ id: f.id }).delete();
    return { body: { unenrolled: true, factor_id: f.id } };
  },
  /** A signed-in user (or a key acting for `user_id`) proves they hold the factor now. */
  challengeMfa: async (a) => {
    const b = bodyOf(a);
    const userId = a.ctx.principal?.via === 'jwt' ? String(a.ctx.principal.userId) : String(b.user_id ?? '');
    if (!userId) throw validation({ user_id: ['is required with an API key'] });
    const factors = await verifiedFactors(a.trx, tenantOf(a), userId);
    const f = b.factor_id ? factors.find((x) => x.id === b.factor_id) : factors[0];
    if (!f) throw notFound('No verified MFA factor for this user.');
    return { body: { user_id: userId, factor_id: f.id, verified: checkCode(f.data.secret, b.code) } };
  },
  completeMfaLogin: async (a) => {
    const b = bodyOf(a);
    const t = await findTicket(a.trx, b.mfa_ticket);
    if (!t) return refuse(a, 'The MFA ticket is invalid or has expired; log in again.', 'invalid_mfa_ticket');
    const factors = await verifiedFactors(a.trx, t.tenant, t.userId);
    const candidates = b.factor_id ? factors.filter((f) => f.id === b.factor_id) : factors;
    if (!candidates.some((f) => checkCode(f.data.secret, b.code))) return failTicket(a, t.id);
    return tokensForTicket(a, t);
  },
  mfaRecovery: async (a) => {
    const b = bodyOf(a);
    const t = await findTicket(a.trx, b.mfa_ticket);
    if (!t) return refuse(a, 'The MFA ticket is invalid or has expired; log in again.', 'invalid_mfa_ticket');
    const hash = sha256(
      String(b.recovery_code ?? '')
        .trim()
        .toLowerCase(),
    );
    const f = (await verifiedFactors(a.trx, t.tenant, t.userId)).find((x) => (x.data.recovery_hashes ?? []).includes(hash));
    if (!f) return failTicket(a, t.id);
    await a
      .trx(T.records)
      .where({ id: f.id })
      .update({
        data: JSON.stringify({
          ...f.data,
          secret: resealed(f.data.secret),
          recovery_hashes: f.data.recovery_hashes.filter((h: string) => h !== hash),
        }),
        updated_at: a.trx.fn.now(),
      });
    return tokensForTicket(a, t);
  },
} satisfies Record<string, ActionHandler>;
