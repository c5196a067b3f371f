/**
 * Stored first responses for `Idempotency-Key` (table `idempotency_keys`, spec/loop/core.yaml).
 * A row is claimed (status null = in flight) before the handler runs and completed afterwards.
 * Claims are serialised per key with a transaction-scoped advisory lock, because the table's unique
 * constraint treats NULL company/user as distinct and cannot arbitrate anonymous requests.
 */
import type { Knex } from 'knex';

export const IDEMPOTENCY_TABLE = 'idempotency_keys';
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/** An in-flight claim older than this is considered abandoned (crashed process) and may be taken over. */
export const STALE_LOCK_MS = 5 * 60 * 1000;

export interface Scope {
  readonly key: string;
  readonly companyId: number | null;
  readonly userId: number | null;
}

export interface StoredResponse {
  readonly status: number;
  readonly body: string | null;
  readonly contentType: string | null;
  /**
   * The answer was `Cache-Control: no-store` (a one-time secret): only the fact that it succeeded is
   * kept, never its body, and a retry is told so instead of getting a replay or a second run.
   */
  readonly notReplayable?: boolean;
}

export type ClaimResult =
  | { readonly kind: 'claimed'; readonly id: number }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'not_replayable'; readonly status: number }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'in_flight' };

export async function claim(
  db: Knex,
  scope: Scope,
  req: { method: string; path: string; hash: string },
  now: number,
): Promise<ClaimResult> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`idem:${scope.companyId ?? ''}:${scope.userId ?? ''}:${scope.key}`]);
    const row = await trx(IDEMPOTENCY_TABLE)
      .where('key', scope.key)
      .whereRaw('company_id is not distinct from ?', [scope.companyId])
      .whereRaw('user_id is not distinct from ?', [scope.userId])
      .first();
    if (row) {
      const expired = new Date(row.expires_at).getTime() <= now;
      const abandoned = row.status == null && row.locked_at && new Date(row.locked_at).getTime() <= now - STALE_LOCK_MS;
      if (!expired && !abandoned) {
        if (row.request_hash !== req.hash) return { kind: 'mismatch' };
        if (row.status == null) return { kind: 'in_flight' };
        const r = typeof row.response === 'string' ? JSON.parse(row.response) : row.response;
        if (r?.not_replayable) return { kind: 'not_replayable', status: row.status };
        return { kind: 'replay', response: { status: row.status, body: r?.body ?? null, contentType: r?.content_type ?? null } };
      }
      await trx(IDEMPOTENCY_TABLE).where('id', row.id).delete();
    }
    const stamp = new Date(now);
    const [inserted] = await trx(IDEMPOTENCY_TABLE)
      .insert({
        key: scope.key,
        company_id: scope.companyId,
        user_id: scope.userId,
        method: req.method,
        path: req.path.slice(0, 500),
        request_hash: req.hash,
        status: null,
        response: null,
        locked_at: stamp,
        expires_at: new Date(now + IDEMPOTENCY_TTL_MS),
        created_by: scope.userId,
        created_at: stamp,
        updated_at: stamp,
      })
      .returning('id');
    return { kind: 'claimed', id: Number(inserted.id ?? inserted) };
  });
}

export async function complete(db: Knex, id: number, res: StoredResponse): Promise<void> {
  // A no-store answer leaves a marker only: its body must never reach the database.
  const response = res.notReplayable ? { not_replayable: true } : { body: res.body, content_type: res.contentType };
  await db(IDEMPOTENCY_TABLE)
    .where({ id })
    .update({
      status: res.status,
      response: JSON.stringify(response),
      locked_at: null,
      updated_at: new Date(),
    });
}

/** Releases a claim without storing (5xx, aborted or streamed responses), so a retry runs again. */
export async function release(db: Knex, id: number): Promise<void> {
  await db(IDEMPOTENCY_TABLE).where({ id }).delete();
}

/** Deletes expired rows; for a periodic job. */
export async function purgeExpiredIdempotencyKeys(db: Knex, now = Date.now()): Promise<number> {
  return db(IDEMPOTENCY_TABLE).where('expires_at', '<=', new Date(now)).delete();
}
