/**
 * Throttling of the portal flows per address and per IP. The shared limiter (runtime/ratelimit) keeps
 * its counters in process memory, which several API processes would each count separately; these
 * counters live in PostgreSQL (pf_portal_attempts, spec/platform/portal.yaml) so the limit holds
 * across processes. One row per bucket, a fixed window: an upsert counts the hit atomically (the row
 * lock orders concurrent hits) and restarts the count when the window has moved on.
 * Counting runs in the request's transaction, so handlers answer refusals (401) instead of throwing
 * them: a thrown error would roll the count back with everything else.
 */
import { createHmac } from 'node:crypto';
import type { ActionContext } from '../../runtime-api.ts';
import { rateLimited } from '../../http/api-error.ts';
import { newId } from '../../security/random-ids.ts';
import { jwtKeyFor } from '../auth/jwt-key.ts';
import { portalAttemptResource } from '../../../generated/platform/server/portal.ts';

const TABLE = portalAttemptResource.table;

export type Flow = 'send' | 'login' | 'verify' | 'identify';

export interface Limits {
  readonly perAddress: number;
  readonly perIp: number;
  readonly windowMs: number;
}

/** Limits where no tenant is known yet (identify without a tenant, an unknown token). */
export const DEFAULT_LIMITS: Limits = { perAddress: 5, perIp: 30, windowMs: 900_000 };

/** Addresses are keyed by a keyed digest, so the table never holds who asked. */
function addressKey(a: ActionContext, address: string): string {
  return createHmac('sha256', jwtKeyFor(a.ctx.db)).update(`portal-throttle\0${address.trim().toLowerCase()}`).digest('hex');
}

async function hit(a: ActionContext, bucket: string, limit: number, windowMs: number): Promise<void> {
  const now = Date.now();
  const start = new Date(Math.floor(now / windowMs) * windowMs);
  const { rows } = await a.trx.raw(
    `insert into ?? (id, bucket, window_start, hits, created_at, updated_at) values (?, ?, ?, 1, now(), now())
     on conflict (bucket) do update set
       hits = case when ??.window_start = excluded.window_start then ??.hits + 1 else 1 end,
       window_start = excluded.window_start, updated_at = now()
     returning hits`,
    [TABLE, newId('pat'), bucket, start.toISOString(), TABLE, TABLE],
  );
  if (Number(rows[0].hits) > limit) throw rateLimited((start.getTime() + windowMs - now) / 1000);
}

/** Counts one attempt of `flow` for the address (when given) and the caller's IP; 429 past either limit. */
export async function throttle(a: ActionContext, flow: Flow, tenant: number | '*', limits: Limits, address?: string | null): Promise<void> {
  await hit(a, `${flow}:${tenant}:ip:${a.ctx.ip}`.slice(0, 200), limits.perIp, limits.windowMs);
  if (address) await hit(a, `${flow}:${tenant}:a:${addressKey(a, address)}`, limits.perAddress, limits.windowMs);
}
