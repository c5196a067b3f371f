/**
 * The configuration-time check of a URL a tenant saves (webhook, automation step, scheduled job,
 * integration): an http(s) URL whose host is a refused IP literal, `localhost` under
 * LOOP_EGRESS_PRIVATE=deny, or a metadata host name is refused with the reason, so the caller gets a
 * 400 naming the field. Host names are only resolved when the request is sent (egress-fetch.ts checks
 * every address it connects to), since DNS may answer differently then.
 */
import { addressRefusal, METADATA_HOSTS, type PrivateMode, privateMode } from './address-policy.ts';

export function urlRefusal(raw: string, mode: PrivateMode = privateMode()): string | null {
  if (!URL.canParse(raw)) return 'must be an absolute http(s) URL';
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
  // WHATWG URL parsing already turned 2852039166 or 0xa9.254.169.254 into dotted IPv4.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  if (METADATA_HOSTS.has(host)) return `${host} is a cloud metadata host, which outbound requests never reach`;
  if (mode === 'deny' && (host === 'localhost' || host.endsWith('.localhost')))
    return `${host} is the server itself, refused because LOOP_EGRESS_PRIVATE=deny`;
  return addressRefusal(host, mode);
}

/** A URL that is a template (`{{data.url}}`) is only known when the step runs: checked then. */
export function isTemplate(raw: string): boolean {
  return raw.includes('{{');
}

/**
 * `{field: [reason]}` for each named http(s) URL whose address the policy refuses. Templates,
 * non-strings and what is not an http(s) URL are skipped: each resource's own checks say what a
 * well-formed URL is (a connector reports an incomplete config at sync time, for instance).
 */
export function refusedUrlFields(urls: Readonly<Record<string, unknown>>): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  for (const [field, raw] of Object.entries(urls)) {
    if (typeof raw !== 'string' || isTemplate(raw) || !/^https?:\/\//i.test(raw) || !URL.canParse(raw)) continue;
    const why = urlRefusal(raw);
    if (why) errors[field] = [why];
  }
  return errors;
}

/** A JSON column value as written (JSON text) or read (parsed): the parsed value; bad JSON → null. */
export function jsonValue(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}
