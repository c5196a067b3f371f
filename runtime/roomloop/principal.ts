/**
 * RoomLoop's principal: the runtime's Principal plus the account it belongs to (a server key may
 * have none) and the teacher's department, which rule R-08 reads.
 */
import type { Principal, RequestContext } from '../runtime-api.ts';
import { unauthorized } from '../http/api-error.ts';

export type RoomloopRole = 'teacher' | 'admin';

export interface RoomloopPrincipal extends Principal {
  readonly role: RoomloopRole;
  readonly accountId: string | null;
  readonly department: string | null;
  /** Session id or key id, for logout and rate limiting. */
  readonly credentialId: string;
}

export function roomloopPrincipal(ctx: Pick<RequestContext, 'principal'>): RoomloopPrincipal {
  const p = ctx.principal as RoomloopPrincipal | null;
  if (!p) throw unauthorized('Missing or expired bearer token.');
  return p;
}

export function isAdmin(p: RoomloopPrincipal): boolean {
  return p.role === 'admin';
}
