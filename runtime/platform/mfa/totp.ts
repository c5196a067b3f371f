/**
 * TOTP factors for end users (RFC 6238 through the `otpauth` library: SHA-1, 6 digits, 30 s, ±1
 * step). Factors are pf_records rows (kind `mfa_factors`, parent = user id) holding the base32
 * secret sealed at rest (runtime/secrets/seal.ts; legacy plaintext rows still work), `verified_at` and SHA-256 hashes of the one-time recovery codes. Login of a user with a
 * verified factor answers an `mfa_ticket` (kind `mfa_tickets`, hashed, single use, 5 minutes)
 * instead of tokens; /auth/mfa/complete or /auth/mfa/recover exchanges it.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { Secret, TOTP } from 'otpauth';
import { newId, newToken as newSecret } from '../../security/random-ids.ts';
import { sha256Hex as sha256 } from '../../security/token-hash.ts';
import { seal, unseal } from '../../secrets/seal.ts';
import { T } from '../tables.ts';

export const FACTORS = 'mfa_factors';
export const TICKETS = 'mfa_tickets';
export const TICKET_TTL_MS = 5 * 60 * 1000;
const RECORDS = T.records;

export function newTotp(issuer: string, label: string): TOTP {
  return new TOTP({ issuer, label, algorithm: 'SHA1', digits: 6, period: 30, secret: new Secret({ size: 20 }) });
}

export function totpOf(secret: string): TOTP {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** What a factor row stores for its secret: never the base32 plaintext. */
export function storedSecret(base32: string): string {
  return seal(base32);
}

/** `secret` as stored (sealed, or legacy plaintext). */
export function checkCode(secret: string, code: unknown): boolean {
  if (typeof code !== 'string' && typeof code !== 'number') return false;
  return totpOf(unseal(secret)).validate({ token: String(code).replace(/\s/g, ''), window: 1 }) !== null;
}

export function recoveryCodes(n = 10): string[] {
  return Array.from({ length: n }, () =>
    randomBytes(5)
      .toString('hex')
      .replace(/(.{5})/, '$1-'),
  );
}

export async function verifiedFactors(db: Knex, tenant: number, userId: string): Promise<Record<string, any>[]> {
  const rows = await db(RECORDS).where({ company_id: tenant, kind: FACTORS, parent_id: userId }).orderBy('created_at');
  return rows.filter((r) => r.data?.verified_at);
}

/** A single-use ticket for the second login step; only its hash is stored. */
export async function issueTicket(db: Knex, tenant: number, userId: string): Promise<string> {
  const ticket = newSecret('mfa_', 24);
  await db(RECORDS).insert({
    id: newId('mft'),
    company_id: tenant,
    kind: TICKETS,
    parent_id: userId,
    data: JSON.stringify({ hash: sha256(ticket), expires_at: new Date(Date.now() + TICKET_TTL_MS).toISOString() }),
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
  return ticket;
}

/** The ticket's row (tenant and user) if it is valid; it is consumed only by `consumeTicket`. */
export async function findTicket(db: Knex, ticket: unknown): Promise<{ id: string; tenant: number; userId: string } | null> {
  if (typeof ticket !== 'string' || !ticket) return null;
  const row = await db(RECORDS)
    .where({ kind: TICKETS })
    .whereRaw("data->>'hash' = ?", [sha256(ticket)])
    .first();
  if (!row || new Date(row.data.expires_at).getTime() <= Date.now()) return null;
  return { id: row.id, tenant: Number(row.company_id), userId: row.parent_id };
}

export async function consumeTicket(db: Knex, id: string): Promise<void> {
  await db(RECORDS).where({ id, kind: TICKETS }).delete();
}
