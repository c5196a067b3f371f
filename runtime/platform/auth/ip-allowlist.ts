/** A key's `ip_allowlist`: exact addresses or IPv4 CIDR blocks; empty or null allows every address. */
import { isIPv4 } from 'node:net';

function v4(ip: string): number | null {
  if (!isIPv4(ip)) return null;
  return ip.split('.').reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;
}

/** Express gives IPv4 clients as `::ffff:1.2.3.4`. */
function plain(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

export function ipAllowed(allowlist: unknown, rawIp: string): boolean {
  if (!Array.isArray(allowlist) || allowlist.length === 0) return true;
  const ip = plain(rawIp);
  for (const entry of allowlist) {
    if (typeof entry !== 'string') continue;
    if (!entry.includes('/')) {
      if (plain(entry) === ip) return true;
      continue;
    }
    const [base, bitsRaw] = entry.split('/');
    const bits = Number(bitsRaw);
    const a = v4(ip);
    const b = v4(base ?? '');
    if (a === null || b === null || !Number.isInteger(bits) || bits < 0 || bits > 32) continue;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    if ((a & mask) === (b & mask)) return true;
  }
  return false;
}
