/**
 * `egressFetch`: fetch for requests made on a tenant's behalf. Every connection — the first one, each redirect hop, each new pooled socket —
 * goes through an undici Agent whose connector checks the address it is about to connect to: an IP
 * literal as it is, a host name through a `lookup` that refuses the connection when any address DNS
 * answers is refused (address-policy.ts). Checking at connect time is what defeats DNS rebinding: a
 * name that resolved to a public address when the URL was saved and to 169.254.169.254 now is
 * refused now.
 *
 * A refusal is an EgressRefusedError (directly, or as the `cause` of fetch's TypeError); callers use
 * `egressRefusal(e)` to record it as a failure that retrying cannot fix.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch, type RequestInit, type Response } from 'undici';
import { addressRefusal, type PrivateMode, privateMode } from './address-policy.ts';

export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
  readonly code = 'EGRESS_REFUSED';
}

/** The refusal in `e` or its causes (fetch wraps connector errors in a TypeError), or null. */
export function egressRefusal(e: unknown): EgressRefusedError | null {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++)
    if (c instanceof EgressRefusedError) return c;
  return null;
}

/** dns.lookup, refusing the connection when any answer is a refused address. */
function guardedLookup(mode: PrivateMode): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      for (const a of addresses) {
        const why = addressRefusal(a.address, mode);
        if (why) return callback(new EgressRefusedError(`${hostname} resolves to ${why}`), '', 0);
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

function guardedAgent(mode: PrivateMode): Agent {
  const connect = buildConnector({ lookup: guardedLookup(mode) } as buildConnector.BuildOptions);
  return new Agent({
    connect: (opts, callback) => {
      // An IP literal (in the URL or a redirect's Location) is connected to without any lookup.
      const why = addressRefusal(opts.hostname, mode);
      if (why) return callback(new EgressRefusedError(why), null);
      return connect(opts, callback);
    },
  });
}

// One pool per mode: a socket opened while private addresses were allowed is never reused under deny.
const agents: Record<PrivateMode, Agent> = { allow: guardedAgent('allow'), deny: guardedAgent('deny') };

export async function egressFetch(url: string, init: RequestInit = {}): Promise<Response> {
  // Only the scheme is checked here; names (localhost included) and literals are judged by the
  // connector, on the address actually connected to.
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) throw new EgressRefusedError(`${url}: must be an absolute http(s) URL`);
  return undiciFetch(url, { ...init, dispatcher: agents[privateMode()] });
}

export type { Response as EgressResponse } from 'undici';
