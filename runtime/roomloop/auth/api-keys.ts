/**
 * Server keys `sk_live_<32 chars>` (docs/api/roomloop-api.txt: "Authorization: Bearer sk_live_…"). Stored as an
 * indexed 8-character prefix plus the SHA-256 of the whole key; shown once at creation.
 * `createRoomloopKey` backs `loopgen admin create-key --service roomloop --role admin`.
 */
import type { Knex } from 'knex';
import { T } from '../tables.ts';
import { newId, newToken } from '../../security/random-ids.ts';
import { sha256Hex as hashToken, sameHash } from '../../security/token-hash.ts';

export const KEY_PREFIX = 'sk_live_';

export interface CreatedKey {
  readonly id: string;
  readonly key: string;
  readonly role: 'teacher' | 'admin';
}

export async function createRoomloopKey(
  db: Knex,
  opts: { role: string; accountId?: string | null; label?: string | null },
): Promise<CreatedKey> {
  if (opts.role !== 'teacher' && opts.role !== 'admin') throw new Error(`role must be teacher or admin, not "${opts.role}"`);
  const key = newToken(KEY_PREFIX, 24);
  const id = newId('key');
  await db(T.apiKeys).insert({
    id,
    prefix: key.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8),
    key_hash: hashToken(key),
    role: opts.role,
    account_id: opts.accountId ?? null,
    label: opts.label ?? null,
  });
  return { id, key, role: opts.role };
}

export interface KeyRecord {
  readonly id: string;
  readonly role: 'teacher' | 'admin';
  readonly accountId: string | null;
}

/** The live key matching `key`, or null. */
export async function findKey(db: Knex, key: string): Promise<KeyRecord | null> {
  if (!key.startsWith(KEY_PREFIX) || key.length < KEY_PREFIX.length + 8) return null;
  const prefix = key.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8);
  const hash = hashToken(key);
  const rows = await db(T.apiKeys).where({ prefix }).whereNull('revoked_at').select('id', 'role', 'account_id', 'key_hash');
  const row = rows.find((r) => sameHash(r.key_hash, hash));
  return row ? { id: row.id, role: row.role, accountId: row.account_id } : null;
}
