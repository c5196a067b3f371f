/** runtime/secrets: AES-256-GCM sealing of recoverable secrets, and where its key comes from. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSealed, resealed, seal, SealedSecretError, unseal } from '../../runtime/secrets/seal.ts';
import { configureSecrets, secretsKey, secretsKeyPath } from '../../runtime/secrets/secrets-key.ts';

const key = randomBytes(32);
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'loopgen-secrets-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Flips one bit of the base64url field `i` (0 iv, 1 tag, 2 ciphertext). */
function flip(sealed: string, i: number): string {
  const parts = sealed.slice(3).split(':');
  const b = Buffer.from(parts[i]!, 'base64url');
  b[0] = b[0]! ^ 1;
  parts[i] = b.toString('base64url');
  return `v1:${parts.join(':')}`;
}

describe('seal / unseal', () => {
  it('round-trips, with a fresh IV each time and no plaintext in the sealed form', () => {
    const secret = 'whsec_' + randomBytes(24).toString('base64url');
    const a = seal(secret, key);
    const b = seal(secret, key);
    expect(a).toMatch(/^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret.slice(6));
    expect(unseal(a, key)).toBe(secret);
    expect(unseal(b, key)).toBe(secret);
    expect(unseal(seal('', key), key)).toBe('');
    expect(unseal(seal('ünïcødé ✓', key), key)).toBe('ünïcødé ✓');
    // rl_webhooks.secret is varchar(100).
    expect(a.length).toBeLessThanOrEqual(100);
  });

  it('refuses a tampered value (IV, tag or ciphertext) or a malformed one', () => {
    const s = seal('JBSWY3DPEHPK3PXP', key);
    for (const i of [0, 1, 2]) expect(() => unseal(flip(s, i), key)).toThrow(SealedSecretError);
    expect(() => unseal(s.slice(0, -2), key)).toThrow(SealedSecretError);
    expect(() => unseal('v1:abc', key)).toThrow(/malformed/);
    expect(() => unseal('v1:AAAA:BBBB:CCCC', key)).toThrow(/malformed/);
  });

  it('refuses a value sealed with another key, saying which key to check', () => {
    const s = seal('JBSWY3DPEHPK3PXP', key);
    expect(() => unseal(s, randomBytes(32))).toThrow(/sealed with another key.*LOOPGEN_SECRETS_KEY/);
  });

  it('reads legacy plaintext as it is and reseals it once', () => {
    expect(isSealed('whsec_legacy')).toBe(false);
    expect(unseal('whsec_legacy', key)).toBe('whsec_legacy');
    const upgraded = resealed('whsec_legacy', key);
    expect(isSealed(upgraded)).toBe(true);
    expect(unseal(upgraded, key)).toBe('whsec_legacy');
    expect(resealed(upgraded, key)).toBe(upgraded);
  });
});

describe('secretsKey', () => {
  // A service started earlier in this worker configured its own data directory: these cases read the key
  // from LOOPGEN_DATA_DIR, as a process that configured none does.
  beforeAll(() => configureSecrets({}));

  it('uses LOOPGEN_SECRETS_KEY (32 bytes, base64) and rejects other lengths', () => {
    const k = randomBytes(32);
    expect(secretsKey({ LOOPGEN_SECRETS_KEY: k.toString('base64') }).equals(k)).toBe(true);
    expect(secretsKey({ LOOPGEN_SECRETS_KEY: k.toString('base64url') }).equals(k)).toBe(true);
    expect(() => secretsKey({ LOOPGEN_SECRETS_KEY: randomBytes(16).toString('base64') })).toThrow(/LOOPGEN_SECRETS_KEY must hold 32 bytes/);
  });

  it('otherwise makes a key once in the data dir (0600) and keeps using it', () => {
    const dir = tempDir();
    const first = secretsKey({ LOOPGEN_DATA_DIR: dir });
    expect(first).toHaveLength(32);
    const file = secretsKeyPath(dir);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(secretsKey({ LOOPGEN_DATA_DIR: dir }).equals(first)).toBe(true);
    // Another data dir, another key: its sealed values do not open here.
    const other = secretsKey({ LOOPGEN_DATA_DIR: tempDir() });
    expect(other.equals(first)).toBe(false);
    expect(() => unseal(seal('x', other), first)).toThrow(SealedSecretError);
  });

  it('says which file is broken when the key file does not hold 32 bytes', () => {
    const dir = tempDir();
    writeFileSync(secretsKeyPath(dir), 'too-short\n');
    expect(() => secretsKey({ LOOPGEN_DATA_DIR: dir })).toThrow(/secrets-key must hold 32 bytes/);
  });
});
