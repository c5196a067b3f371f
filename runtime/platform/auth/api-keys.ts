/**
 * Scoped API keys `pk_live_<32 chars>` (docs/api/platform-api.txt: "Authorization: Bearer <api_key_or_jwt>").
 * Stored as an indexed 8-character prefix plus the SHA-256 of the whole key (compared in constant
 * time); the key itself is shown once, at creation or rotation. A key belongs to one tenant, carries
 * scopes, an optional IP allowlist, an optional expiry, and is revoked rather than deleted so audit
 * trails keep their key id.
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { newId, newToken as newSecret } from '../../security/random-ids.ts';
import { sameHash, sha256Hex as sha256 } from '../../security/token-hash.ts';
import { ensureTenant } from '../tenants/tenant-store.ts';
import { tenantPublicId } from '../tenants/public-id.ts';

export const KEY_PREFIX = 'pk_live_';

export interface KeyInput {
  readonly label: string;
  readonly scopes: readonly string[];
  readonly ipAllowlist?: readonly string[] | null;
  readonly expiresAt?: string | null;
  readonly rateLimit?: number | null;
  readonly createdBy?: string | number | null;
}

export interface KeyRecord {
  readonly id: string;
  readonly companyId: number;
  readonly scopes: readonly string[];
  readonly ipAllowlist: readonly string[] | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  /** Requests a minute this key may make (the key's `rate_limit`); null: no per-key limit. */
  readonly rateLimit: number | null;
}

/** Columns clients may see (never key_hash). */
export const KEY_COLUMNS = [
  'id',
  'company_id',
  'label',
  'scopes',
  'ip_allowlist',
  'expires_at',
  'rate_limit',
  'prefix',
  'last_used_at',
  'revoked_at',
  'created_at',
  'updated_at',
  'created_by',
];

export function keyView(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of KEY_COLUMNS) {
    const v = row[c];
    out[c === 'company_id' ? 'tenant_id' : c] =
      v instanceof Date ? v.toISOString() : c === 'company_id' ? tenantPublicId(v as number) : (v ?? null);
  }
  return out;
}

export async function insertKey(db: Knex, companyId: number, input: KeyInput): Promise<{ row: Record<string, unknown>; token: string }> {
  const token = newSecret(KEY_PREFIX, 24);
  const id = newId('key');
  await db(T.apiKeys).insert({
    id,
    company_id: companyId,
    label: input.label,
    scopes: JSON.stringify(input.scopes),
    ip_allowlist: input.ipAllowlist ? JSON.stringify(input.ipAllowlist) : null,
    expires_at: input.expiresAt ?? null,
    rate_limit: input.rateLimit ?? null,
    prefix: token.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8),
    key_hash: sha256(token),
    created_by: input.createdBy == null ? null : String(input.createdBy),
    created_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
  const row = await db(T.apiKeys).where({ id }).first(KEY_COLUMNS);
  return { row: keyView(row), token };
}

/** The key matching `token` (revoked or expired ones included: the caller decides), or null. */
export async function findKey(db: Knex, token: string): Promise<KeyRecord | null> {
  if (!token.startsWith(KEY_PREFIX) || token.length < KEY_PREFIX.length + 8) return null;
  const prefix = token.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8);
  const hash = sha256(token);
  const rows = await db(T.apiKeys)
    .where({ prefix })
    .select('id', 'company_id', 'scopes', 'ip_allowlist', 'expires_at', 'revoked_at', 'rate_limit', 'key_hash');
  const row = rows.find((r) => sameHash(r.key_hash, hash));
  if (!row) return null;
  const json = (v: unknown): any => v; // jsonb arrives parsed
  return {
    id: row.id,
    companyId: Number(row.company_id),
    scopes: json(row.scopes) ?? [],
    ipAllowlist: json(row.ip_allowlist) ?? null,
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    revokedAt: row.revoked_at ? new Date(row.revoked_at) : null,
    rateLimit: row.rate_limit == null ? null : Number(row.rate_limit),
  };
}

/**
 * The operator's first key: `loopgen admin create-key --service platform` should call this.
 * Creates the tenant (by name) when it does not exist yet; scopes default to `*`.
 */
export async function createPlatformKey(
  db: Knex,
  opts: { tenant?: string; scopes?: readonly string[]; label?: string } = {},
): Promise<{ key: string; keyId: string; tenantId: number }> {
  const tenant = await ensureTenant(db, { name: opts.tenant ?? 'default' });
  const { row, token } = await insertKey(db, tenant.id, { label: opts.label ?? 'admin', scopes: opts.scopes ?? ['*'] });
  return { key: token, keyId: row.id as string, tenantId: tenant.id };
}
