/**
 * Session tokens and sk_live_ keys are 192-bit random strings, so a SHA-256 hash is enough to store
 * them (no password stretching needed) and lets a lookup use an index. Comparison of the stored
 * hash is constant-time.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
