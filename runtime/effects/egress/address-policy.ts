/**
 * Which addresses outbound requests made on a tenant's behalf (webhooks, automation URL steps,
 * integration pulls) may reach. Always refused: link-local (169.254.0.0/16 holds the cloud metadata
 * service, fe80::/10), unspecified, multicast, broadcast, reserved, and the metadata addresses that sit
 * in other ranges (AWS fd00:ec2::254, Alibaba 100.100.100.200). Loopback and private ranges (127/8,
 * ::1, 10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10) are refused when LOOP_EGRESS_PRIVATE=deny —
 * recommended in production; the default `allow` lets tests and self-hosted setups deliver to
 * 127.0.0.1 or a LAN host, at the cost that a tenant can make the server call its own network.
 * Ranges come from ipaddr.js; IPv4-mapped and NAT64 IPv6 forms are judged by the IPv4 they carry.
 */
import ipaddr from 'ipaddr.js';

export type PrivateMode = 'allow' | 'deny';

const ALWAYS = new Set(['unspecified', 'linkLocal', 'multicast', 'broadcast', 'reserved']);
const PRIVATE = new Set(['loopback', 'private', 'uniqueLocal', 'carrierGradeNat']);
const METADATA = new Set(['169.254.169.254', '100.100.100.200', 'fd00:ec2::254']);
/** Host names of metadata services, refused before any lookup. */
export const METADATA_HOSTS = new Set(['metadata.google.internal', 'metadata', 'instance-data', 'instance-data.ec2.internal']);

/** LOOP_EGRESS_PRIVATE: `deny` refuses loopback/private ranges; unset or `allow` lets them through. */
export function privateMode(env: NodeJS.ProcessEnv = process.env): PrivateMode {
  const v = env.LOOP_EGRESS_PRIVATE?.trim().toLowerCase();
  if (!v || v === 'allow') return 'allow';
  // Anything else (a typo included) fails closed: a mistyped `deny` must not open the network.
  return 'deny';
}

/** The address as judged: an IPv4 carried in IPv6 (::ffff:a.b.c.d, 64:ff9b::a.b.c.d) is judged as that IPv4. */
function effective(addr: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
    if (v6.range() === 'rfc6052') return ipaddr.fromByteArray(v6.toByteArray().slice(12));
  }
  return addr;
}

/** Why `address` (an IP literal) may not be reached, or null when it may (or when it is not an IP). */
export function addressRefusal(address: string, mode: PrivateMode = privateMode()): string | null {
  const bare = address.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return null;
  const ip = effective(ipaddr.parse(bare));
  const range = ip.range();
  if (METADATA.has(ip.toString())) return `${bare} is a cloud metadata address, which outbound requests never reach`;
  if (ALWAYS.has(range)) return `${bare} is a ${range} address, which outbound requests never reach`;
  if (mode === 'deny' && PRIVATE.has(range)) return `${bare} is a ${range} address, refused because LOOP_EGRESS_PRIVATE=deny`;
  return null;
}

export function isIp(host: string): boolean {
  return ipaddr.isValid(host.replace(/^\[|\]$/g, ''));
}
