/**
 * Refusals that must still commit: a ceremony's challenge, an OAuth state or a SAML request id is
 * single use, so it is consumed even when the answer is a refusal. Throwing would roll the request's
 * transaction back and leave the one-time value usable again; these helpers answer the error instead.
 */
import type { ActionContext, ActionResult } from '../../runtime-api.ts';
import { ApiError } from '../../http/api-error.ts';
import { errorBody } from '../../http/render-error.ts';
import type { IssuedTokens } from '../auth/end-user-tokens.ts';

export function refusal(a: ActionContext, status: number, code: string, message: string): ActionResult {
  const body = errorBody(new ApiError(status, code, message), a.ctx.style, a.ctx.requestId);
  return { status, buffer: Buffer.from(JSON.stringify(body)), contentType: 'application/json' };
}

/** A `302 Found` to `location`; the JSON body names it too, for clients that do not follow redirects. */
export function redirect(location: string, body: Record<string, unknown> = {}): ActionResult {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: { redirect_url: location, ...body } };
}

/**
 * The answer of a completed outside sign-in (OAuth callback, SAML ACS): the session body, or — when the
 * flow began with an allowed `redirect_to` — a redirect carrying the tokens in the URL fragment, which
 * browsers never send to a server.
 */
export function signedInAnswer(session: IssuedTokens, redirectTo: unknown): ActionResult {
  if (!redirectTo) return { body: session };
  const to = new URL(String(redirectTo));
  to.hash = new URLSearchParams({
    access_token: session.access_token,
    refresh_token: session.refresh_token,
    token_type: session.token_type,
    expires_in: String(session.expires_in),
  }).toString();
  return redirect(to.href, { user: session.user });
}
