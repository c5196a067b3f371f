/**
 * Webhook signatures, Stripe-style (the RoomLoop API document: "Signed HMAC-SHA256"; the platform signs
 * the same way): `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` in a header each
 * service names. Receivers recompute over the raw body and reject timestamps older than the tolerance (300 s).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DEFAULT_TOLERANCE_SECONDS = 300;

export function sign(secret: string, timestamp: number, rawBody: string): string {
  const v1 = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  return `t=${timestamp},v1=${v1}`;
}

/** Reference verifier for receivers (and the SDK): true when a v1 signature matches and is fresh. */
export function verify(
  secret: string,
  header: string,
  rawBody: string,
  nowSeconds: number,
  tolerance = DEFAULT_TOLERANCE_SECONDS,
): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > tolerance) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex'));
  return parts.some(([k, v]) => k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}
