/** Small accessors shared by the platform handlers. */
import type { ActionContext } from '../../runtime-api.ts';
import { badRequest, forbidden } from '../../http/api-error.ts';

/** The request's tenant id; every platform route resolves one (runtime/platform/auth). */
export function tenantOf(a: ActionContext): number {
  if (!a.ctx.tenant) throw forbidden('No tenant for this request.', 'tenant_required');
  return a.ctx.tenant.companyId;
}

export function actorOf(a: ActionContext): string | null {
  return a.ctx.principal ? String(a.ctx.principal.userId) : null;
}

/** The signed-in end user (JWT); API keys are not users. */
export function endUserOf(a: ActionContext): string {
  if (a.ctx.principal?.via !== 'jwt')
    throw forbidden('This endpoint needs an end-user access token (POST /v1/auth/login).', 'user_token_required');
  return String(a.ctx.principal.userId);
}

/** A JSON object as a record; anything else (array, scalar, null) as `{}`. */
export const asObject = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

export function bodyOf(a: ActionContext): Record<string, unknown> {
  return asObject(a.body);
}

export function param(a: ActionContext, name: string): string {
  const v = a.params[name];
  if (!v) throw badRequest(`Missing path parameter ${name}.`);
  return v;
}

export const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : (v ?? null));
/** jsonb columns arrive parsed from both drivers (pg and PGlite); a string is a JSON string value. */
export const parseJson = (v: unknown): any => v;
