/**
 * Signed, expiring QR check-in tokens: `<session>.<expiry, base36 seconds>.<HMAC-SHA256, base64url>`.
 * The key is the session's own random `qr_secret` (never returned), so issuing a new secret revokes
 * every earlier token of that session; the company id is part of the signed text, so a token never
 * verifies in another company. Short enough (≤ 64 chars) for a dense-free QR code.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface QrClaims {
  readonly session: number;
  readonly expiresAt: number;
}

const SIG_BYTES = 18;

function mac(secret: string, company: number, session: number, exp36: string): Buffer {
  return createHmac('sha256', Buffer.from(secret, 'base64url'))
    .update(`loop.attendance.qr|${company}|${session}|${exp36}`)
    .digest()
    .subarray(0, SIG_BYTES);
}

export const newQrSecret = (): string => randomBytes(32).toString('base64url');

export function signQrToken(secret: string, company: number, session: number, expiresAtMs: number): string {
  const exp36 = Math.floor(expiresAtMs / 1000).toString(36);
  return `${session}.${exp36}.${mac(secret, company, session, exp36).toString('base64url')}`;
}

/** Splits a token without trusting it; null when it is not shaped like one. */
export function parseQrToken(token: string): (QrClaims & { exp36: string; sig: Buffer }) | null {
  const m = /^(\d{1,15})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{24})$/.exec(token);
  if (!m) return null;
  return { session: Number(m[1]), exp36: m[2]!, expiresAt: parseInt(m[2]!, 36) * 1000, sig: Buffer.from(m[3]!, 'base64url') };
}

export function verifyQrSignature(secret: string, company: number, t: { session: number; exp36: string; sig: Buffer }): boolean {
  const expected = mac(secret, company, t.session, t.exp36);
  return t.sig.length === expected.length && timingSafeEqual(t.sig, expected);
}
