/**
 * The WebAuthn relying party of a tenant: its id (the domain passkeys are bound to), the origins the
 * browser may report, and the name shown in the authenticator's prompt. From the tenant's auth config
 * (PATCH /v1/auth-config `{"passkeys": {"rp_id": "example.com", "origins": ["https://app.example.com"], "rp_name": "Example"}}`),
 * else from PLATFORM_WEBAUTHN_RP_ID / PLATFORM_WEBAUTHN_ORIGIN (comma-separated origins) / PLATFORM_WEBAUTHN_RP_NAME.
 * Without an id and at least one origin the ceremonies answer 409 PASSKEYS_NOT_CONFIGURED.
 */
import type { ActionContext } from '../../runtime-api.ts';
import { ApiError } from '../../http/api-error.ts';
import { asObject } from '../http/action-context.ts';
import { readSetting } from '../settings/settings-documents.ts';
import { T } from '../tables.ts';

export interface RelyingParty {
  readonly id: string;
  readonly name: string;
  readonly origins: readonly string[];
}

export const PASSKEYS_CONFIGURE =
  'PATCH /v1/auth-config with {"passkeys":{"rp_id":"<your domain>","origins":["https://<your app>"]}} ' +
  '(or set PLATFORM_WEBAUTHN_RP_ID and PLATFORM_WEBAUTHN_ORIGIN on the server)';

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [])
    .filter((s): s is string => typeof s === 'string')
    .map((s) => s.trim())
    .filter(Boolean);

/** An origin the browser can report: scheme://host[:port], no path. */
const isOrigin = (s: string) => URL.canParse(s) && new URL(s).origin === s.replace(/\/$/, '');

export async function relyingParty(a: ActionContext, tenant: number, env: NodeJS.ProcessEnv = process.env): Promise<RelyingParty> {
  const cfg = asObject((await readSetting(a, tenant, 'auth_config', null)).passkeys);
  const id = (typeof cfg.rp_id === 'string' && cfg.rp_id.trim()) || env.PLATFORM_WEBAUTHN_RP_ID?.trim() || '';
  const configured = list(cfg.origins ?? cfg.origin);
  const origins = (configured.length ? configured : list(env.PLATFORM_WEBAUTHN_ORIGIN)).map((o) => o.replace(/\/$/, ''));
  if (!id || !origins.length || !origins.every(isOrigin)) {
    throw new ApiError(
      409,
      'passkeys_not_configured',
      `Passkeys need the relying party id and the app's origin for this tenant: ${PASSKEYS_CONFIGURE}.`,
    );
  }
  let name = typeof cfg.rp_name === 'string' && cfg.rp_name.trim() ? cfg.rp_name.trim() : env.PLATFORM_WEBAUTHN_RP_NAME?.trim();
  if (!name) {
    const t = await a.trx(T.tenants).where({ id: tenant }).first('name', 'brand_name');
    name = String(t?.brand_name ?? t?.name ?? id);
  }
  return { id, name, origins };
}
