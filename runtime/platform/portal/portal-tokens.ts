/**
 * Single-use secrets of the portal (pf_portal_tokens): magic links, password resets and e-mail
 * verification links (192 random bits), and six-digit SMS codes. Only an HMAC keyed with the
 * service's JWT secret is stored, so a leaked table gives neither links nor (brute-forced) codes.
 * A token is taken by one atomic UPDATE … WHERE used_at IS NULL AND not expired, so two requests
 * racing with the same link cannot both win. Codes are bound to tenant and phone in their digest and
 * compared in constant time; five wrong tries burn a code.
 */
import { createHmac, randomInt } from 'node:crypto';
import type { ActionContext } from '../../runtime-api.ts';
import { newId, newToken } from '../../security/random-ids.ts';
import { sameHash } from '../../security/token-hash.ts';
import { jwtKeyFor } from '../auth/jwt-key.ts';
import { portalTokenResource } from '../../../generated/platform/server/portal.ts';

const TABLE = portalTokenResource.table;

export type Purpose = 'email_verify' | 'magic_link' | 'password_reset' | 'sms_otp';

const TTL_MS: Record<Purpose, number> = {
  email_verify: 24 * 3600_000,
  magic_link: 15 * 60_000,
  password_reset: 30 * 60_000,
  sms_otp: 10 * 60_000,
};
const PREFIX: Record<Exclude<Purpose, 'sms_otp'>, string> = { email_verify: 'pev_', magic_link: 'pml_', password_reset: 'ppr_' };
export const MAX_CODE_FAILURES = 5;

export interface TakenToken {
  readonly tenantId: number;
  readonly identityId: string;
}

function digest(a: ActionContext, value: string): string {
  return createHmac('sha256', jwtKeyFor(a.ctx.db)).update(`portal-token\0${value}`).digest('hex');
}

const codeDigest = (a: ActionContext, tenantId: number, phone: string, code: string) =>
  digest(a, `sms_otp\0${tenantId}\0${phone}\0${code}`);

/** Stores a new secret for the identity, replacing its earlier ones of the same purpose. */
async function store(a: ActionContext, tenantId: number, identityId: string, purpose: Purpose, hash: string, address: string | null) {
  await a.trx(TABLE).where({ tenant_id: tenantId, identity_id: identityId, purpose }).delete();
  if (address) await a.trx(TABLE).where({ tenant_id: tenantId, address, purpose }).delete();
  await a.trx(TABLE).insert({
    id: newId('ptk'),
    tenant_id: tenantId,
    identity_id: identityId,
    purpose,
    address,
    token_hash: hash,
    expires_at: new Date(Date.now() + TTL_MS[purpose]).toISOString(),
    failures: 0,
    created_at: a.trx.fn.now(),
    updated_at: a.trx.fn.now(),
  });
}

/** A new link secret (returned once, to be mailed). */
export async function issueLinkToken(
  a: ActionContext,
  tenantId: number,
  identityId: string,
  purpose: Exclude<Purpose, 'sms_otp'>,
): Promise<string> {
  const token = newToken(PREFIX[purpose], 24);
  await store(a, tenantId, identityId, purpose, digest(a, token), null);
  return token;
}

/** The identity a valid, unused link token belongs to; the token is spent. Null for anything else. */
export async function takeLinkToken(a: ActionContext, purpose: Exclude<Purpose, 'sms_otp'>, token: unknown): Promise<TakenToken | null> {
  if (typeof token !== 'string' || !token.startsWith(PREFIX[purpose])) return null;
  const [row] = await a
    .trx(TABLE)
    .where({ token_hash: digest(a, token), purpose })
    .whereNull('used_at')
    .where('expires_at', '>', new Date().toISOString())
    .update({ used_at: new Date().toISOString(), updated_at: a.trx.fn.now() }, ['tenant_id', 'identity_id']);
  return row ? { tenantId: Number(row.tenant_id), identityId: String(row.identity_id) } : null;
}

/** A new six-digit code for the phone (returned once, to be texted). */
export async function issueCode(a: ActionContext, tenantId: number, identityId: string, phone: string): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await store(a, tenantId, identityId, 'sms_otp', codeDigest(a, tenantId, phone, code), phone);
  return code;
}

export type CodeCheck = { readonly ok: true; readonly token: TakenToken } | { readonly ok: false; readonly tenantId: number | null };

/**
 * Checks a code against the phone's pending codes (in `tenantId`, or in every tenant that sent this
 * phone one). Every pending code is compared, in constant time, whether or not an earlier one matched.
 */
export async function checkCode(a: ActionContext, phone: string, code: string, tenantId: number | null): Promise<CodeCheck> {
  const q = a
    .trx(TABLE)
    .where({ address: phone, purpose: 'sms_otp' })
    .whereNull('used_at')
    .where('expires_at', '>', new Date().toISOString());
  if (tenantId !== null) q.where({ tenant_id: tenantId });
  const rows = await q.forUpdate();
  let match: Record<string, unknown> | null = null;
  for (const r of rows) if (sameHash(codeDigest(a, Number(r.tenant_id), phone, code), String(r.token_hash)) && !match) match = r;
  if (match) {
    await a.trx(TABLE).where({ id: match.id }).update({ used_at: new Date().toISOString(), updated_at: a.trx.fn.now() });
    return { ok: true, token: { tenantId: Number(match.tenant_id), identityId: String(match.identity_id) } };
  }
  // A wrong code counts against every pending code of this phone; the fifth failure burns it.
  for (const r of rows) {
    const failures = Number(r.failures ?? 0) + 1;
    await a
      .trx(TABLE)
      .where({ id: r.id })
      .update(failures >= MAX_CODE_FAILURES ? { used_at: new Date().toISOString(), failures } : { failures });
  }
  return { ok: false, tenantId: tenantId ?? (rows.length === 1 ? Number(rows[0].tenant_id) : null) };
}
