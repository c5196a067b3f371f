/**
 * Encryption at rest for secrets the server must use again (TOTP seeds, webhook signing secrets),
 * which therefore cannot be hashed. AES-256-GCM from node:crypto: a random 12-byte IV per value and
 * the 16-byte auth tag, stored as `v1:<iv>:<tag>:<ciphertext>` (base64url) in the existing text
 * column. Values without the `v1:` prefix are legacy plaintext and are read as they are, so older
 * databases keep working; `resealed` upgrades them on the next natural write.
 *
 * A sealed webhook secret (`whsec_` + 32 chars) is 94 characters, inside rl_webhooks.secret's 100.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { secretsKey } from './secrets-key.ts';

const PREFIX = 'v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
}

export function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

export function seal(plaintext: string, key: Buffer = secretsKey()): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${PREFIX}${iv.toString('base64url')}:${cipher.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
}

/** The plaintext of a sealed value; a legacy plaintext value is returned unchanged. */
export function unseal(value: string, key?: Buffer): string {
  if (!isSealed(value)) return value;
  const parts = value.slice(PREFIX.length).split(':');
  if (parts.length !== 3) throw new SealedSecretError('A sealed secret is malformed (expected v1:<iv>:<tag>:<ciphertext>).');
  const [iv, tag, ct] = parts.map((p) => Buffer.from(p, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new SealedSecretError('A sealed secret is malformed (bad IV or tag length).');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key ?? secretsKey(), iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ct), decipher.final()]).toString('utf8');
  } catch {
    // GCM cannot tell a wrong key from altered data; both mean the value cannot be trusted.
    throw new SealedSecretError(
      "Cannot open a sealed secret: it was sealed with another key (check LOOPGEN_SECRETS_KEY or the data dir's secrets-key file) or it was altered.",
    );
  }
}

/** Seals a value that is still legacy plaintext; an already sealed value is kept as it is. */
export function resealed(value: string, key?: Buffer): string {
  return isSealed(value) ? value : seal(value, key);
}
