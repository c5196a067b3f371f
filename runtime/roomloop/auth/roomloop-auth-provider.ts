/**
 * RoomLoop's AuthProvider (runtime/auth-provider.ts): `Authorization: Bearer <token>` where the
 * token is an `sk_live_…` server key or an `rls_…` session from POST /v1/auth/google. No tenancy
 * (one school per deployment). Each credential is rate limited (ROOMLOOP_RATE_LIMIT_PER_MINUTE).
 */
import type { Request } from 'express';
import type { Knex } from 'knex';
import type { AuthProvider } from '../../auth-provider.ts';
import type { RequestContext } from '../../runtime-api.ts';
import { unauthorized } from '../../http/api-error.ts';
import type { RoomloopPrincipal } from '../principal.ts';
import { T } from '../tables.ts';
import { now } from '../clock.ts';
import { findKey, KEY_PREFIX } from './api-keys.ts';
import { findSession } from './sessions.ts';
import { roleCan } from './permissions.ts';
import { credentialLimiter } from '../../ratelimit/rate-limit.ts';
import { sharedRateLimitStore } from '../../ratelimit/shared-rate-limit-store.ts';

export interface RoomloopAuthOptions {
  readonly db: Knex;
  readonly perMinute?: number;
  /** Milliseconds clock for the rate-limit window (tests pin it). */
  readonly clock?: () => number;
}

function bearer(req: Request): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw unauthorized('Authorization must be "Bearer <token>".');
  return m[1]!;
}

export function createRoomloopAuthProvider(opts: RoomloopAuthOptions): AuthProvider {
  // Counted in the database every process shares; a test that pins the clock counts in memory.
  const limiter = credentialLimiter(opts.perMinute ?? Number(process.env.ROOMLOOP_RATE_LIMIT_PER_MINUTE ?? 600), {
    clock: opts.clock,
    store: opts.clock ? undefined : sharedRateLimitStore(opts.db),
  });

  async function principalFor(db: Knex, token: string): Promise<RoomloopPrincipal> {
    if (token.startsWith(KEY_PREFIX)) {
      const key = await findKey(db, token);
      if (!key) throw unauthorized('Missing or expired bearer token.');
      const acc = key.accountId ? await db(T.accounts).where({ id: key.accountId }).first('email', 'department', 'status') : null;
      if (acc && acc.status !== 'active') throw unauthorized('The account of this key is disabled.');
      void db(T.apiKeys)
        .where({ id: key.id })
        .update({ last_used_at: now() })
        .catch(() => undefined);
      return {
        userId: key.accountId ?? key.id,
        email: acc?.email ?? '',
        isSuperuser: false,
        via: 'bearer_key',
        keyId: key.id,
        role: key.role,
        accountId: key.accountId,
        department: acc?.department ?? null,
        credentialId: key.id,
      };
    }
    const s = await findSession(db, token);
    if (!s || s.status !== 'active') throw unauthorized('Missing or expired bearer token.');
    return {
      userId: s.id,
      email: s.email,
      isSuperuser: false,
      via: 'session',
      role: s.role,
      accountId: s.id,
      department: s.department ?? null,
      credentialId: s.session_id,
    };
  }

  return {
    async authenticate(req: Request, ctx: RequestContext) {
      const token = bearer(req);
      if (!token) return null;
      const principal = await principalFor(ctx.db ?? opts.db, token);
      const headers = await limiter.hit(principal.credentialId);
      for (const [k, v] of Object.entries(headers)) req.res?.setHeader(k, v);
      return principal;
    },
    async resolveTenant() {
      return null;
    },
    can(ctx: RequestContext, permission: string) {
      return roleCan(ctx.principal?.role, permission);
    },
  };
}
