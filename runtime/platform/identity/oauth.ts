/**
 * OAuth 2.0 / OpenID Connect sign-in through openid-client (the platform API document's
 * /v1/auth/oauth/:provider and /callback): authorization code flow with PKCE (S256), `state` and, for
 * OpenID Connect, `nonce`; the ID token's signature, issuer, audience, expiry and nonce are checked by
 * the library.
 *
 * The redirect (the tenant's app, with its key) stores the state as a single-use pf_records row
 * (10 minutes) holding the nonce, the sealed PKCE verifier and where to send the browser afterwards,
 * and answers 302 to the provider. The callback (public: the browser comes back from the provider)
 * consumes the state, which names the tenant, exchanges the code, finds or creates the tenant user
 * (runtime/platform/identity/sign-in.ts) and answers the session body, or, when the redirect named a
 * `redirect_to`, 302 there with the tokens in the URL fragment (never sent to a server).
 */
import * as oidc from 'openid-client';
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { ApiError, validation } from '../../http/api-error.ts';
import { seal, unseal } from '../../secrets/seal.ts';
import { asObject, param, tenantOf } from '../http/action-context.ts';
import { readSetting } from '../settings/settings-documents.ts';
import { redirect, refusal, signedInAnswer } from './answers.ts';
import { putOnce, pruneExpired, takeOnce } from './one-time-records.ts';
import { clientConfig, oauthProvider, type OAuthProvider } from './oauth-providers.ts';
import { sessionFor, userForIdentity, type OutsideIdentity } from './sign-in.ts';

const STATES = 'oauth_states';
const STATE_TTL_MS = 10 * 60 * 1000;

function callbackUrl(a: ActionContext, p: OAuthProvider): string {
  return (
    p.redirectUri ?? new URL(`${a.ctx.basePath.replace(/\/?$/, '/')}auth/oauth/${encodeURIComponent(p.name)}/callback`, a.baseUrl).href
  );
}

/** `redirect_to` must lie under one of auth-config `redirect_urls` (or the provider's own): same origin and path prefix. */
async function allowedRedirect(a: ActionContext, tenant: number, provider: string, target: unknown): Promise<string | null> {
  if (target === undefined || target === null || target === '') return null;
  const doc = await readSetting(a, tenant, 'auth_config', null);
  const lists = [doc.redirect_urls, asObject(asObject(doc.oauth)[provider]).redirect_urls];
  const allowed = lists.flatMap((l) => (Array.isArray(l) ? l : [])).filter((u): u is string => typeof u === 'string' && URL.canParse(u));
  const url = typeof target === 'string' && URL.canParse(target) ? new URL(target) : null;
  const under = (base: string) => {
    const b = new URL(base);
    return url !== null && url.origin === b.origin && url.pathname.startsWith(b.pathname);
  };
  if (!url || !allowed.some(under)) throw validation({ redirect_to: ['must lie under one of auth-config redirect_urls'] });
  return url.href;
}

/** The signed-in person as the provider describes them. */
async function identityOf(
  config: oidc.Configuration,
  p: OAuthProvider,
  tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>,
): Promise<OutsideIdentity> {
  if (p.kind === 'github') {
    const get = async (path: string) => {
      const res = await oidc.fetchProtectedResource(
        config,
        tokens.access_token,
        new URL(path, 'https://api.github.com'),
        'GET',
        undefined,
        new Headers({ accept: 'application/vnd.github+json' }),
      );
      if (!res.ok) throw new Error(`GitHub answered ${res.status} for ${path}.`);
      return res.json() as Promise<any>;
    };
    const user = await get('/user');
    const emails: { email: string; primary: boolean; verified: boolean }[] = await get('/user/emails').catch(() => []);
    const primary = emails.find((e) => e.primary && e.verified);
    return {
      provider: `oauth:${p.name}`,
      subject: String(user.id),
      email: primary?.email ?? user.email ?? null,
      emailVerified: Boolean(primary),
      name: user.name ?? user.login,
    };
  }
  const claims = tokens.claims();
  if (!claims) throw new Error('The provider answered no ID token.');
  let info: Record<string, unknown> = { ...claims };
  // Some providers keep e-mail out of the ID token; the userinfo endpoint has it.
  if (typeof claims.email !== 'string' && config.serverMetadata().userinfo_endpoint) {
    info = { ...info, ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)) };
  }
  return {
    provider: `oauth:${p.name}`,
    subject: claims.sub,
    email: typeof info.email === 'string' ? info.email : null,
    emailVerified: info.email_verified === true || info.email_verified === 'true',
    name: typeof info.name === 'string' ? info.name : null,
  };
}

/** The library's message and the more precise ones of its causes (openid-client wraps oauth4webapi's, which name the claim). */
function reason(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c instanceof Error && depth < 3; c = c.cause, depth++)
    if (!parts.includes(c.message)) parts.push(c.message);
  return parts.length ? parts.join(': ') : String(e);
}

export const oauthActions = {
  oauthRedirect: async (a) => {
    const tenant = tenantOf(a);
    const p = await oauthProvider(a, tenant, param(a, 'provider'));
    const redirectTo = await allowedRedirect(a, tenant, p.name, a.query.redirect_to);
    let config: oidc.Configuration;
    try {
      config = await clientConfig(p);
    } catch (e) {
      throw new ApiError(
        502,
        'oauth_provider_unreachable',
        `The provider's OpenID configuration could not be read from ${p.issuer}: ${reason(e)}`,
      );
    }
    const state = oidc.randomState();
    const nonce = p.kind === 'oidc' ? oidc.randomNonce() : null;
    const verifier = oidc.randomPKCECodeVerifier();
    const params: Record<string, string> = {
      redirect_uri: callbackUrl(a, p),
      scope: p.scopes.join(' '),
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    if (nonce) params.nonce = nonce;
    await pruneExpired(a.trx, tenant, STATES);
    await putOnce(a.trx, tenant, STATES, p.name, state, STATE_TTL_MS, { nonce, verifier: seal(verifier), redirect_to: redirectTo });
    return redirect(oidc.buildAuthorizationUrl(config, params).href);
  },

  oauthCallback: async (a): Promise<ActionResult> => {
    const name = param(a, 'provider');
    const q = a.query as Record<string, unknown>;
    const state = typeof q.state === 'string' ? q.state : '';
    // A GET runs outside a transaction: the state is consumed here for good, whatever follows.
    const row = state ? await takeOnce(a.trx, STATES, state) : null;
    if (!row || row.expired || row.parentId !== name) {
      return refusal(
        a,
        400,
        'oauth_state_invalid',
        'The sign-in state is unknown, already used, expired or for another provider; start the sign-in again.',
      );
    }
    if (typeof q.error === 'string') {
      return refusal(
        a,
        401,
        'oauth_provider_error',
        `The provider refused the sign-in: ${q.error}${typeof q.error_description === 'string' ? ` (${q.error_description})` : ''}.`,
      );
    }
    const tenant = row.tenant;
    let p: OAuthProvider;
    try {
      p = await oauthProvider(a, tenant, name);
    } catch (e) {
      if (e instanceof ApiError) return refusal(a, e.status, e.code, e.message);
      throw e;
    }
    let who: OutsideIdentity;
    try {
      const config = await clientConfig(p);
      const current = new URL(callbackUrl(a, p));
      for (const [k, v] of Object.entries(q)) if (typeof v === 'string') current.searchParams.set(k, v);
      const tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: unseal(String(row.data.verifier)),
        expectedState: state,
        ...(row.data.nonce ? { expectedNonce: String(row.data.nonce), idTokenExpected: true } : {}),
      });
      who = await identityOf(config, p, tokens);
    } catch (e) {
      return refusal(a, 401, 'oauth_callback_failed', `The sign-in with ${name} could not be completed: ${reason(e)}`);
    }
    // The user, the link and the session are written together.
    return a.trx.transaction(async (trx) => {
      const t: ActionContext = { ...a, trx };
      let session;
      try {
        session = await sessionFor(t, tenant, await userForIdentity(t, tenant, who));
      } catch (e) {
        if (e instanceof ApiError) return refusal(a, e.status, e.code, e.message);
        throw e;
      }
      return signedInAnswer(session, row.data.redirect_to);
    });
  },
} satisfies Record<string, ActionHandler>;
