/**
 * One-way digests for high-entropy secrets we must recognise later but never store: refresh-token
 * ids are not secret, but reset/invitation tokens, sessions and API keys are. Random tokens of 192 bits
 * or more need no slow hash, and a plain SHA-256 keeps lookups indexable; HMAC-SHA256 with a server-side
 * pepper keeps a leaked table useless on its own. Stored digests are compared in constant time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Pepper for API-key hashes: `LOOP_API_KEY_PEPPER`, or a fixed domain-separation label. */
export function apiKeyPepper(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOOP_API_KEY_PEPPER?.trim() || 'loopgen:internal-api-key:v1';
}

export function hmacHex(pepper: string, value: string): string {
  return createHmac('sha256', pepper).update(value, 'utf8').digest('hex');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** Constant-time comparison of two hex digests (false when their lengths differ). */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Constant-time comparison of two strings of any length (compares fixed-size digests). */
export function safeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

/** URL-safe random token (default 32 bytes → 43 chars). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
