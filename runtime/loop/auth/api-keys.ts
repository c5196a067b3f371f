/**
 * Internal API keys (`X-LOOP-API-KEY`), docs/api/loop-api.txt, "Internal UI Key": shown once, stored as an indexed
 * `prefix` plus an HMAC-SHA256 `key_hash`, compared in constant time. A key acts as its user and may
 * only select the companies listed in `allowed_companies` (company codes, spec/loop/core.yaml).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import { ApiError } from '../../http/api-error.ts';
import type { Principal } from '../../runtime-api.ts';
import { TtlCache } from '../tenancy/ttl-cache.ts';
import { publishInvalidation } from '../../pubsub/cache-bus.ts';
import { LOOP_CACHES } from '../tenancy/cache-sync.ts';
import { T } from './loop-schema.ts';
import { apiKeyPepper, hmacHex, randomToken } from '../../security/token-hash.ts';
import { findActiveUser } from './user-store.ts';

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const KEY_PATTERN = /^loop_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function randomPrefix(): string {
  const bytes = randomBytes(12);
  let s = '';
  for (const b of bytes) s += PREFIX_ALPHABET[b % PREFIX_ALPHABET.length];
  return s;
}

export function hashApiKey(key: string, pepper = apiKeyPepper()): string {
  return hmacHex(pepper, key);
}

/** Creates a key and returns the plaintext — the only time it is ever available. */
export async function createInternalApiKey(
  db: Knex,
  opts: { userId: number; label: string; allowedCompanyIds: readonly number[]; expiresAt?: Date | null },
): Promise<{ id: number; key: string; prefix: string }> {
  const codes: string[] = opts.allowedCompanyIds.length
    ? await db(T.companies)
        .whereIn('id', [...opts.allowedCompanyIds])
        .orderBy('code')
        .pluck('code')
    : [];
  return insertInternalApiKey(db, {
    userId: opts.userId,
    label: opts.label,
    allowedCompanies: codes,
    expiresAt: opts.expiresAt ?? null,
    createdBy: opts.userId,
  });
}

/** Inserts a key row (prefix + HMAC only) and returns the plaintext once. `db` is the caller's transaction. */
export async function insertInternalApiKey(
  db: Knex,
  opts: {
    userId: number;
    label: string;
    allowedCompanies: readonly string[];
    expiresAt?: Date | string | null;
    revokedAt?: Date | string | null;
    isActive?: boolean;
    createdBy: number | string | null;
  },
): Promise<{ id: number; key: string; prefix: string }> {
  const prefix = randomPrefix();
  const key = `loop_${prefix}_${randomToken(32)}`;
  const now = new Date();
  const [row] = await db(T.internalApiKeys)
    .insert({
      label: opts.label,
      prefix,
      key_hash: hashApiKey(key),
      user_id: opts.userId,
      allowed_companies: JSON.stringify([...opts.allowedCompanies].sort()),
      expires_at: opts.expiresAt ?? null,
      revoked_at: opts.revokedAt ?? null,
      is_active: opts.isActive ?? true,
      created_at: now,
      updated_at: now,
      created_by: opts.createdBy,
    })
    .returning('id');
  return { id: Number(row.id ?? row), key, prefix };
}

interface KeyRow {
  id: number;
  key_hash: string;
  user_id: number;
  allowed_companies: unknown;
  expires_at: Date | null;
  revoked_at: Date | null;
  is_active: boolean;
}

/** Verifies presented keys; one instance per database so its cache can be invalidated on revoke. */
export class ApiKeyVerifier {
  private readonly rows: TtlCache<string, KeyRow | null>;
  private readonly lastTouched = new Map<number, number>();

  constructor(
    private readonly db: Knex,
    private readonly pepper = apiKeyPepper(),
    private readonly now: () => number = Date.now,
  ) {
    this.rows = new TtlCache(5_000, 10_000, now);
  }

  async verify(presented: string): Promise<Principal> {
    const m = KEY_PATTERN.exec(presented.trim());
    const prefix = m?.[1] ?? '';
    const row = m ? await this.rows.getOrLoad(prefix, () => this.load(prefix)) : null;
    // Always compare a digest, even with no row, so a wrong prefix costs the same as a wrong secret.
    const want = Buffer.from(row?.key_hash ?? '0'.repeat(64), 'hex');
    const got = Buffer.from(hmacHex(this.pepper, presented.trim()), 'hex');
    const match = want.length === got.length && timingSafeEqual(want, got) && row !== null;
    if (!match || !row) throw new ApiError(401, 'invalid_api_key', 'Invalid API key.');
    if (!row.is_active || row.revoked_at) throw new ApiError(401, 'api_key_revoked', 'This API key has been revoked.');
    if (row.expires_at && new Date(row.expires_at).getTime() <= this.now()) {
      throw new ApiError(401, 'api_key_expired', 'This API key has expired.');
    }
    const user = await findActiveUser(this.db, row.user_id);
    if (!user) throw new ApiError(401, 'api_key_user_inactive', 'The user of this API key is inactive.');
    const codes = parseCodes(row.allowed_companies);
    const allowedCompanyIds: number[] = codes.length ? (await this.db(T.companies).whereIn('code', codes).pluck('id')).map(Number) : [];
    await this.touch(row.id);
    return {
      userId: user.id,
      email: user.email,
      isSuperuser: user.is_superuser,
      via: 'api_key',
      keyId: row.id,
      allowedCompanyIds,
    };
  }

  /** Forget a key at once in this process (after revoking or editing it). */
  invalidate(prefix?: string): void {
    if (prefix) this.rows.delete(prefix);
    else this.rows.clear();
  }

  private async load(prefix: string): Promise<KeyRow | null> {
    const row = await this.db(T.internalApiKeys)
      .where({ prefix })
      .whereNull('deleted_at')
      .first('id', 'key_hash', 'user_id', 'allowed_companies', 'expires_at', 'revoked_at', 'is_active');
    return row ?? null;
  }

  /** `last_used_at`, written at most once a minute per key so a busy key does not write per request. */
  private async touch(id: number): Promise<void> {
    const t = this.now();
    if ((this.lastTouched.get(id) ?? 0) > t - 60_000) return;
    this.lastTouched.set(id, t);
    await this.db(T.internalApiKeys)
      .where({ id })
      .update({ last_used_at: new Date(t) });
  }
}

/** Revokes a key and drops it from every process's cache (this one at once, the others via the cache bus). */
export async function revokeInternalApiKey(db: Knex, verifier: ApiKeyVerifier | null, id: number): Promise<void> {
  const row = await db(T.internalApiKeys).where({ id }).first('prefix');
  await db(T.internalApiKeys).where({ id }).update({ revoked_at: new Date(), is_active: false, updated_at: new Date() });
  if (row) {
    verifier?.invalidate(row.prefix);
    await publishInvalidation(db, db, LOOP_CACHES.apiKeys, row.prefix);
  }
}

function parseCodes(v: unknown): string[] {
  const arr = typeof v === 'string' ? JSON.parse(v) : v;
  return Array.isArray(arr) ? arr.map(String) : [];
}
