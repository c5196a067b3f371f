/**
 * OAuth 2.0 / OpenID Connect providers of a tenant, from its auth config (PATCH /v1/auth-config):
 *   {"oauth": {"google": {"client_id": "…", "client_secret": "…"},
 *              "microsoft": {"client_id": "…", "client_secret": "…", "tenant": "<directory id>"},
 *              "github": {"client_id": "…", "client_secret": "…"},
 *              "acme": {"issuer": "https://id.acme.example", "client_id": "…", "client_secret": "…", "scopes": ["openid", "email"]}},
 *    "redirect_urls": ["https://app.example.com/"]}
 * The provider's name picks a preset (google, microsoft, github); any other name is generic OpenID
 * Connect found by discovery at `issuer`. `redirect_uri` overrides the callback URL this server
 * registers (…/v1/auth/oauth/<provider>/callback) when it sits behind a proxy. The client secret is
 * stored sealed (runtime/platform/identity/config-secrets.ts). GitHub speaks plain OAuth 2.0: its user
 * comes from its REST API, and only a verified primary address counts as verified.
 */
import * as oidc from 'openid-client';
import { egressFetch } from '../../effects/egress/egress-fetch.ts';
import type { ActionContext } from '../../runtime-api.ts';
import { ApiError } from '../../http/api-error.ts';
import { unseal } from '../../secrets/seal.ts';
import { providerEntry } from './provider-entry.ts';

export interface OAuthProvider {
  readonly name: string;
  readonly kind: 'oidc' | 'github';
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  readonly redirectUri: string | null;
}

const CONFIGURE = (p: string) =>
  `PATCH /v1/auth-config with {"oauth":{"${p}":{"client_id":"…","client_secret":"…"${['google', 'microsoft', 'github'].includes(p) ? '' : ',"issuer":"https://<your OpenID provider>"'}}}}`;

export function oauthNotConfigured(provider: string, why: string): ApiError {
  return new ApiError(
    409,
    'oauth_not_configured',
    `OAuth sign-in with "${provider}" is not configured for this tenant (${why}). Configure it: ${CONFIGURE(provider)}.`,
  );
}

export async function oauthProvider(a: ActionContext, tenant: number, name: string): Promise<OAuthProvider> {
  const entry = await providerEntry(a, tenant, 'oauth', name, {
    unknownName: new ApiError(
      400,
      'oauth_provider_unknown',
      'A provider name is lower-case letters, digits, - and _ (google, microsoft, github, or a name from auth-config oauth).',
    ),
    notConfigured: (why) => oauthNotConfigured(name, why),
  });
  const clientId = typeof entry.client_id === 'string' ? entry.client_id.trim() : '';
  const secret = typeof entry.client_secret === 'string' ? entry.client_secret : '';
  if (!clientId || !secret) throw oauthNotConfigured(name, 'client_id and client_secret are required');
  let issuer: string;
  let kind: OAuthProvider['kind'] = 'oidc';
  let scopes = ['openid', 'email', 'profile'];
  if (name === 'google') issuer = 'https://accounts.google.com';
  else if (name === 'microsoft') {
    const dir = typeof entry.tenant === 'string' && /^[0-9a-f-]{36}$/i.test(entry.tenant) ? entry.tenant : null;
    // Microsoft's multi-tenant endpoints answer a templated issuer that no ID token matches; a directory id is needed.
    if (!dir) throw oauthNotConfigured(name, 'microsoft needs "tenant": the directory (tenant) id of the app registration');
    issuer = `https://login.microsoftonline.com/${dir}/v2.0`;
  } else if (name === 'github') {
    issuer = 'https://github.com';
    kind = 'github';
    scopes = ['read:user', 'user:email'];
  } else {
    if (typeof entry.issuer !== 'string' || !URL.canParse(entry.issuer))
      throw oauthNotConfigured(name, 'a generic provider needs "issuer", its OpenID Connect issuer URL');
    issuer = entry.issuer;
  }
  if (Array.isArray(entry.scopes) && entry.scopes.every((s) => typeof s === 'string') && entry.scopes.length)
    scopes = entry.scopes as string[];
  const redirectUri = typeof entry.redirect_uri === 'string' && URL.canParse(entry.redirect_uri) ? entry.redirect_uri : null;
  return { name, kind, issuer, clientId, clientSecret: unseal(secret), scopes, redirectUri };
}

/** Plain http is allowed for a provider on this machine only (a local provider in development and tests). */
const isLoopback = (url: URL) => url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);

const GITHUB: oidc.ServerMetadata = {
  issuer: 'https://github.com',
  authorization_endpoint: 'https://github.com/login/oauth/authorize',
  token_endpoint: 'https://github.com/login/oauth/access_token',
};

/** Discovery answers are kept 10 minutes per issuer and client (the provider's keys are fetched by the library as needed). */
const DISCOVERY_TTL_MS = 10 * 60 * 1000;
const configs = new Map<string, { at: number; config: Promise<oidc.Configuration> }>();

/** openid-client's fetch hook, through the egress policy. */
const egressCustomFetch: oidc.CustomFetch = async (url, options) =>
  (await egressFetch(url, {
    method: options.method,
    headers: options.headers,
    body: options.body as never,
    redirect: options.redirect,
    signal: options.signal,
  })) as unknown as Response;

function githubConfig(p: OAuthProvider, auth: oidc.ClientAuth): oidc.Configuration {
  const config = new oidc.Configuration(GITHUB, p.clientId, { client_secret: p.clientSecret }, auth);
  config[oidc.customFetch] = egressCustomFetch;
  return config;
}

export function clientConfig(p: OAuthProvider): Promise<oidc.Configuration> {
  const key = `${p.issuer}\n${p.clientId}\n${p.clientSecret}`;
  const hit = configs.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const auth = oidc.ClientSecretPost(p.clientSecret);
  const issuer = new URL(p.issuer);
  const execute = isLoopback(issuer) ? [oidc.allowInsecureRequests] : [];
  // Discovery, token, userinfo and key-set requests go out under the tenant egress policy
  // (runtime/effects/egress): the issuer is tenant-configured, so it must not reach metadata or private hosts.
  // The fetch given to discovery stays on the Configuration it returns.
  const config =
    p.kind === 'github'
      ? Promise.resolve(githubConfig(p, auth))
      : oidc.discovery(issuer, p.clientId, { client_secret: p.clientSecret }, auth, {
          execute,
          timeout: 10,
          [oidc.customFetch]: egressCustomFetch,
        });
  configs.set(key, { at: Date.now(), config });
  // A failed discovery is not kept: the next sign-in tries again.
  config.catch(() => configs.delete(key));
  return config;
}
