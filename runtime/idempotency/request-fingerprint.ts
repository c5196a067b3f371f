/**
 * What makes two POSTs "the same request" for Idempotency-Key purposes: method, path and the body
 * with object keys sorted (so clients that reorder JSON keys are not told their retry differs).
 */
import { createHash } from 'node:crypto';

export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map(stableStringify).join(',') + ']';
  if (Buffer.isBuffer(v)) return JSON.stringify(v.toString('base64'));
  const o = v as Record<string, unknown>;
  return (
    '{' +
    Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => JSON.stringify(k) + ':' + stableStringify(o[k]))
      .join(',') +
    '}'
  );
}

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method.toUpperCase()} ${path}\n${stableStringify(body ?? null)}`)
    .digest('hex');
}
