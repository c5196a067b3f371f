/** `Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`, 5-minute tolerance. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../http/api-error.ts';

export function verifyStripeSignature(payload: string, header: string, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): void {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  const v1 = parts.v1 ?? '';
  if (!Number.isFinite(t) || !v1) throw badRequest('Missing or malformed Stripe-Signature header.', 'invalid_signature');
  if (Math.abs(nowSeconds - t) > 300) throw badRequest('Stripe-Signature timestamp is too old.', 'invalid_signature');
  const expected = createHmac('sha256', secret).update(`${t}.${payload}`).digest();
  const given = Buffer.from(v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw badRequest('Stripe-Signature does not match.', 'invalid_signature');
}
