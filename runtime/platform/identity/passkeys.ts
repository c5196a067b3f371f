/**
 * Passkeys (WebAuthn, the platform API document's "Passkeys") through @simplewebauthn/server, which
 * checks the attestation or assertion: challenge, origin, relying-party id hash, user presence, the
 * signature over authenticatorData‖SHA-256(clientDataJSON) and the signature counter.
 *
 * - Registration: a signed-in end user asks for creation options; the challenge is stored (hashed,
 *   5 minutes, single use) for that user; complete verifies the browser's answer and stores the
 *   credential (COSE public key, counter, transports) as a pf_records row of kind `passkeys`.
 * - Authentication: the app (its API key; an end user's token works too) asks for request options,
 *   optionally naming the user by `email` to list their credentials; complete looks the credential up,
 *   verifies the assertion against its stored key and counter, moves the counter on and answers the
 *   same session body as /v1/auth/login.
 * A challenge is consumed by the first attempt that names it, whether that attempt succeeds or not.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { isoBase64URL, isoUint8Array } from '@simplewebauthn/server/helpers';
import type { ActionContext, ActionHandler, ActionResult } from '../../runtime-api.ts';
import { notFound, validation } from '../../http/api-error.ts';
import { T } from '../tables.ts';
import { newId } from '../../security/random-ids.ts';
import { asObject, bodyOf, endUserOf, iso, param, tenantOf } from '../http/action-context.ts';
import { refusal } from './answers.ts';
import { putOnce, pruneExpired, takeOnce } from './one-time-records.ts';
import { sessionFor } from './sign-in.ts';
import { relyingParty } from './webauthn-config.ts';

export const PASSKEYS = 'passkeys';
const CHALLENGES = 'passkey_challenges';
const CHALLENGE_TTL_MS = 5 * 60 * 1000;
const TIMEOUT_MS = 60_000;

interface StoredPasskey {
  readonly credential_id: string;
  readonly public_key: string;
  readonly counter: number;
  readonly transports?: AuthenticatorTransport[];
  readonly friendly_name?: string | null;
  readonly last_used_at?: string | null;
  readonly device_type?: string;
  readonly backed_up?: boolean;
  readonly aaguid?: string;
}

function passkeyView(r: Record<string, any>) {
  const d = r.data as StoredPasskey;
  return {
    id: r.id,
    user_id: r.parent_id,
    credential_id: d.credential_id,
    friendly_name: d.friendly_name ?? null,
    created_at: iso(r.created_at),
    last_used_at: d.last_used_at ?? null,
  };
}

const userPasskeys = (a: ActionContext, tenant: number, userId: string) =>
  a.trx(T.records).where({ company_id: tenant, kind: PASSKEYS, parent_id: userId }).orderBy('created_at').orderBy('id');

const byCredentialId = (a: ActionContext, tenant: number, credentialId: string) =>
  a.trx(T.records).where({ company_id: tenant, kind: PASSKEYS }).whereRaw("data->>'credential_id' = ?", [credentialId]).first();

/** The challenge the browser signed, read from clientDataJSON; null when the credential is not shaped like one. */
function challengeOf(credential: Record<string, unknown>): string | null {
  const cdj = asObject(credential.response).clientDataJSON;
  if (typeof cdj !== 'string' || !isoBase64URL.isBase64URL(cdj)) return null;
  try {
    const c = JSON.parse(isoBase64URL.toUTF8String(cdj)).challenge;
    return typeof c === 'string' && c ? c : null;
  } catch {
    return null;
  }
}

function credentialOf(a: ActionContext): Record<string, unknown> {
  const c = bodyOf(a).credential;
  if (!c || typeof c !== 'object' || Array.isArray(c))
    throw validation({ credential: ['must be the PublicKeyCredential JSON the browser returned'] });
  return c as Record<string, unknown>;
}

/** Takes the stored challenge the credential answers; a refusal when it is unknown, used, expired or of another ceremony. */
async function takeChallenge(
  a: ActionContext,
  tenant: number,
  credential: Record<string, unknown>,
  purpose: string,
  userId?: string,
): Promise<{ refused: ActionResult } | { challenge: string; userId: string }> {
  const challenge = challengeOf(credential);
  const row = challenge ? await takeOnce(a.trx, CHALLENGES, challenge, tenant) : null;
  if (!challenge || !row || row.expired || row.data.purpose !== purpose || (userId !== undefined && row.parentId !== userId)) {
    return {
      refused: refusal(
        a,
        400,
        'passkey_challenge_invalid',
        `The ${purpose} challenge is unknown, already used or expired; begin the ${purpose} again.`,
      ),
    };
  }
  return { challenge, userId: row.parentId };
}

const failure = (e: unknown) => (e instanceof Error ? e.message : String(e));

export const passkeyActions = {
  listPasskeys: async (a) => ({ body: (await userPasskeys(a, tenantOf(a), endUserOf(a))).map(passkeyView) }),

  /** By the row id (`pk_…`) or the WebAuthn credential id; only the owner's own passkeys. */
  deletePasskey: async (a) => {
    const key = param(a, 'credential_id');
    const n = await a
      .trx(T.records)
      .where({ company_id: tenantOf(a), kind: PASSKEYS, parent_id: endUserOf(a) })
      .where((q) => q.where({ id: key }).orWhereRaw("data->>'credential_id' = ?", [key]))
      .delete();
    if (!n) throw notFound('Passkey not found.');
    return { body: { deleted: true } };
  },

  beginPasskeyRegistration: async (a) => {
    const tenant = tenantOf(a);
    const userId = endUserOf(a);
    const rp = await relyingParty(a, tenant);
    const user = await a.trx(T.users).where({ id: userId, company_id: tenant }).first('email');
    if (!user) throw notFound('User not found.');
    const existing = await userPasskeys(a, tenant, userId);
    const options = await generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: String(user.email),
      userID: isoUint8Array.fromUTF8String(userId),
      timeout: TIMEOUT_MS,
      attestationType: 'none',
      excludeCredentials: existing.map((r) => ({ id: r.data.credential_id, transports: r.data.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    });
    await pruneExpired(a.trx, tenant, CHALLENGES);
    await putOnce(a.trx, tenant, CHALLENGES, userId, options.challenge, CHALLENGE_TTL_MS, { purpose: 'registration' });
    return { body: { options } };
  },

  completePasskeyRegistration: async (a): Promise<ActionResult> => {
    const tenant = tenantOf(a);
    const userId = endUserOf(a);
    const credential = credentialOf(a);
    const rp = await relyingParty(a, tenant);
    const taken = await takeChallenge(a, tenant, credential, 'registration', userId);
    if ('refused' in taken) return taken.refused;
    let info;
    try {
      const v = await verifyRegistrationResponse({
        response: credential as unknown as RegistrationResponseJSON,
        expectedChallenge: taken.challenge,
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        requireUserVerification: false,
      });
      if (!v.verified) throw new Error('The registration response could not be verified.');
      info = v.registrationInfo;
    } catch (e) {
      return refusal(a, 400, 'passkey_verification_failed', `Passkey registration refused: ${failure(e)}`);
    }
    if (await byCredentialId(a, tenant, info.credential.id)) {
      return refusal(a, 409, 'passkey_exists', 'This authenticator is registered already.');
    }
    const friendly = bodyOf(a).friendly_name;
    const id = newId('pk');
    const data: StoredPasskey = {
      credential_id: info.credential.id,
      public_key: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: info.credential.transports as AuthenticatorTransport[] | undefined,
      friendly_name: typeof friendly === 'string' && friendly.trim() ? friendly.trim() : null,
      last_used_at: null,
      device_type: info.credentialDeviceType,
      backed_up: info.credentialBackedUp,
      aaguid: info.aaguid,
    };
    await a.trx(T.records).insert({
      id,
      company_id: tenant,
      kind: PASSKEYS,
      parent_id: userId,
      data: JSON.stringify(data),
      created_by: userId,
      created_at: a.trx.fn.now(),
      updated_at: a.trx.fn.now(),
    });
    return { status: 201, body: passkeyView(await a.trx(T.records).where({ id }).first()) };
  },

  /** `email` (optional) narrows allowCredentials to that user's passkeys; without it the browser offers its discoverable ones. */
  beginPasskeyAuthentication: async (a) => {
    const tenant = tenantOf(a);
    const rp = await relyingParty(a, tenant);
    const email = bodyOf(a).email;
    let allow: { id: string; transports?: AuthenticatorTransport[] }[] | undefined;
    if (typeof email === 'string' && email.trim()) {
      const user = await a.trx(T.users).where({ company_id: tenant, email: email.trim().toLowerCase() }).first('id');
      // An unknown address gets options like any other (no enumeration); they simply match no passkey.
      allow = user
        ? (await userPasskeys(a, tenant, String(user.id))).map((r) => ({ id: r.data.credential_id, transports: r.data.transports }))
        : [];
    }
    const options = await generateAuthenticationOptions({
      rpID: rp.id,
      allowCredentials: allow,
      timeout: TIMEOUT_MS,
      userVerification: 'preferred',
    });
    await pruneExpired(a.trx, tenant, CHALLENGES);
    await putOnce(a.trx, tenant, CHALLENGES, 'any', options.challenge, CHALLENGE_TTL_MS, { purpose: 'authentication' });
    return { body: { options } };
  },

  completePasskeyAuthentication: async (a): Promise<ActionResult> => {
    const tenant = tenantOf(a);
    const credential = credentialOf(a);
    const rp = await relyingParty(a, tenant);
    const taken = await takeChallenge(a, tenant, credential, 'authentication');
    if ('refused' in taken) return taken.refused;
    const row = typeof credential.id === 'string' ? await byCredentialId(a, tenant, credential.id) : undefined;
    if (!row) return refusal(a, 401, 'passkey_not_found', 'No passkey with this credential id is registered for this tenant.');
    const stored = row.data as StoredPasskey;
    // A discoverable credential names its user; it must be the passkey's owner.
    const handle = asObject(credential.response).userHandle;
    if (
      typeof handle === 'string' &&
      handle &&
      (!isoBase64URL.isBase64URL(handle) || isoBase64URL.toUTF8String(handle) !== row.parent_id)
    ) {
      return refusal(
        a,
        401,
        'passkey_verification_failed',
        "Passkey authentication refused: the user handle does not match the passkey's user.",
      );
    }
    let newCounter: number;
    try {
      const v = await verifyAuthenticationResponse({
        response: credential as unknown as AuthenticationResponseJSON,
        expectedChallenge: taken.challenge,
        expectedOrigin: [...rp.origins],
        expectedRPID: rp.id,
        requireUserVerification: false,
        credential: {
          id: stored.credential_id,
          publicKey: isoBase64URL.toBuffer(stored.public_key),
          counter: Number(stored.counter),
          transports: stored.transports,
        },
      });
      if (!v.verified) throw new Error('The signature does not verify with the registered public key.');
      newCounter = v.authenticationInfo.newCounter;
    } catch (e) {
      return refusal(a, 401, 'passkey_verification_failed', `Passkey authentication refused: ${failure(e)}`);
    }
    const user = await a.trx(T.users).where({ id: row.parent_id, company_id: tenant }).first();
    if (!user || user.banned) return refusal(a, 401, 'user_disabled', "The passkey's user is disabled.");
    await a
      .trx(T.records)
      .where({ id: row.id })
      .update({
        data: JSON.stringify({ ...stored, counter: newCounter, last_used_at: new Date().toISOString() }),
        updated_at: a.trx.fn.now(),
      });
    return { body: await sessionFor(a, tenant, user) };
  },
} satisfies Record<string, ActionHandler>;
