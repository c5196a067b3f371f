/**
 * `LOOP_INTERNAL_API_KEY` + `LOOP_INTERNAL_API_USER_EMAIL` (docs/api/loop-api.txt, "Internal UI Key"): one key from
 * the environment for server-side UI integrations. It acts as the configured user, who must already
 * exist and be active; that user's memberships and product access decide what it reaches.
 */
import type { Knex } from 'knex';
import { ApiError } from '../../http/api-error.ts';
import type { Principal } from '../../runtime-api.ts';
import { safeEqual } from '../../security/token-hash.ts';
import { findUserByEmail } from './user-store.ts';

export interface EnvKeyConfig {
  readonly key: string;
  readonly email: string;
}

export function envKeyConfig(env: NodeJS.ProcessEnv = process.env): EnvKeyConfig | null {
  const key = env.LOOP_INTERNAL_API_KEY?.trim();
  const email = env.LOOP_INTERNAL_API_USER_EMAIL?.trim();
  return key && email ? { key, email } : null;
}

/** Constant-time match of the presented key against the configured one. */
export function matchesEnvKey(cfg: EnvKeyConfig | null, presented: string): boolean {
  return cfg !== null && safeEqual(presented.trim(), cfg.key);
}

export async function envKeyPrincipal(db: Knex, cfg: EnvKeyConfig): Promise<Principal> {
  const user = await findUserByEmail(db, cfg.email);
  if (!user || !user.is_active) {
    throw new ApiError(401, 'api_key_user_inactive', 'LOOP_INTERNAL_API_USER_EMAIL does not name an active user.');
  }
  return { userId: user.id, email: user.email, isSuperuser: user.is_superuser, via: 'env_key', allowedCompanyIds: null };
}
