/**
 * Secrets inside the tenant's auth config (OAuth client secrets, SAML service-provider private keys)
 * are sealed at rest with runtime/secrets/seal.ts, like TOTP seeds. PATCH /v1/auth-config seals them
 * before the document is stored; GET and PATCH answer them masked. Sending the mask back (a client
 * that PATCHes the document it read) keeps the stored secret.
 */
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { isSealed, seal } from '../../secrets/seal.ts';
import { asObject, bodyOf, tenantOf } from '../http/action-context.ts';
import { readSetting } from '../settings/settings-documents.ts';

export const MASK = '********';

/** Per section of the auth config, the secret keys of each provider entry. */
const SECRET_KEYS: Readonly<Record<string, readonly string[]>> = { oauth: ['client_secret'], saml: ['sp_private_key'] };

type Doc = Record<string, unknown>;

function mapSecrets(doc: Doc, fn: (value: unknown, previous: unknown) => unknown, before: Doc = {}): Doc {
  const out: Doc = { ...doc };
  for (const [section, keys] of Object.entries(SECRET_KEYS)) {
    if (!doc[section] || typeof doc[section] !== 'object' || Array.isArray(doc[section])) continue;
    const providers: Doc = { ...asObject(doc[section]) };
    const old = asObject(before[section]);
    for (const [name, entry] of Object.entries(providers)) {
      if (!entry || typeof entry !== 'object' || Array.isArray(entry)) continue;
      const e: Doc = { ...(entry as Doc) };
      for (const k of keys) if (k in e) e[k] = fn(e[k], asObject(old[name])[k]);
      providers[name] = e;
    }
    out[section] = providers;
  }
  return out;
}

/** The document as stored: new secrets sealed, a mask sent back replaced by the stored secret. */
export function sealedConfig(doc: Doc, stored: Doc): Doc {
  return mapSecrets(
    doc,
    (v, previous) => {
      if (v === MASK) return previous;
      return typeof v === 'string' && v && !isSealed(v) ? seal(v) : v;
    },
    stored,
  );
}

export function maskedConfig(doc: Doc): Doc {
  return mapSecrets(doc, (v) => (typeof v === 'string' && v ? MASK : v));
}

const withBody = (a: ActionContext, body: Doc): ActionContext => ({ ...a, body });

function masked(r: ActionResult): ActionResult {
  return 'body' in r ? { ...r, body: maskedConfig(asObject(r.body)) } : r;
}

/** Wraps the auth-config PATCH handler: seals secrets in the body, masks them in the answer. */
export function sealingAuthConfig(patch: ActionHandler): ActionHandler {
  return async (a) => {
    const stored = await readSetting(a, tenantOf(a), 'auth_config', null);
    return masked(await patch(withBody(a, sealedConfig(bodyOf(a), stored))));
  };
}

/** Wraps the auth-config GET handler: secrets are answered masked. */
export function maskingAuthConfig(get: ActionHandler): ActionHandler {
  return async (a) => masked(await get(a));
}
