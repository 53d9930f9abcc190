import { isIP } from 'node:net';

export type CidrList = { ok: true; cidrs: string[] } | { ok: false; problem: string };

/**
 * Parses TRUSTED_PROXIES: comma-separated IPv4/IPv6 addresses or CIDRs (`10.0.0.0/8`, `fd00::/8`).
 * Every bad entry is named, so an operator fixes them in one round.
 */
export function parseCidrList(value: string): CidrList {
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isCidr(entry));
  if (bad.length) {
    const named = bad.map((b) => JSON.stringify(b)).join(', ');
    return { ok: false, problem: `not an IP address or CIDR: ${named} (e.g. 10.0.0.0/8,fd00::/8)` };
  }
  return { ok: true, cidrs: entries };
}

function isCidr(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

/** The eight 16-bit groups of an IPv6 address (given `isIP(ip) === 6`), `::` expanded. */
function ipv6Groups(ip: string): string[] {
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for two groups.
  const hex = ip.replace(
    /(\d+)\.(\d+)\.(\d+)\.(\d+)$/,
    (_, a: string, b: string, c: string, d: string) =>
      `${((Number(a) << 8) | Number(b)).toString(16)}:${((Number(c) << 8) | Number(d)).toString(16)}`,
  );
  const [head = '', tail] = hex.split('::');
  const part = (s: string) => (s ? s.split(':') : []);
  const front = part(head);
  const back = tail === undefined ? [] : part(tail);
  const middle = tail === undefined ? [] : Array<string>(8 - front.length - back.length).fill('0');
  return [...front, ...middle, ...back].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * The identity per-IP limits count against. An IPv6 client usually holds a whole /64 and could
 * rotate through it, so IPv6 addresses count by their /64; IPv4-mapped IPv6 counts as the IPv4.
 */
export function clientKey(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  return `${ipv6Groups(ip.split('%')[0]!).slice(0, 4).join(':')}::/64`;
}
