import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/**
 * Which non-public addresses an operator lets outbound calls reach (WEBHOOK_ALLOW_PRIVATE_NETWORKS):
 * none (the default), every address (`true`), or the listed CIDR ranges (on-prem receivers).
 */
export type NetworkAllowance = { kind: 'none' } | { kind: 'all' } | { kind: 'ranges'; ranges: Array<[Address, number]> };

export const NO_ALLOWANCE: NetworkAllowance = { kind: 'none' };

/**
 * Parses WEBHOOK_ALLOW_PRIVATE_NETWORKS: unset/`false` → none, `true` → all, otherwise a comma- or
 * space-separated list of CIDRs (a bare address is its own /32 or /128). Throws naming the bad entry.
 */
export function parseNetworkAllowance(value: string | undefined): NetworkAllowance {
  const text = (value ?? '').trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return NO_ALLOWANCE;
  if (text === 'true' || text === '1') return { kind: 'all' };
  const ranges = text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((entry): [Address, number] => {
      try {
        if (entry.includes('/')) return ipaddr.parseCIDR(entry);
        const address = ipaddr.parse(entry);
        return [address, address.kind() === 'ipv4' ? 32 : 128];
      } catch {
        throw new Error(`'${entry}' is not a CIDR range (e.g. 10.0.0.0/8, fd00::/8) nor true/false`);
      }
    });
  return { kind: 'ranges', ranges };
}

/** IPv4 addresses carried inside IPv6 ones (mapped ::ffff:a.b.c.d, translated, NAT64 64:ff9b::/96). */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = address.range();
  if (range !== 'ipv4Mapped' && range !== 'rfc6145' && range !== 'rfc6052') return null;
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12, 16));
}

/**
 * Why `address` is not a public unicast address, or null when it is. Anything ipaddr.js classifies
 * other than `unicast` is refused (loopback, private, CGNAT, link-local, unique-local, multicast,
 * unspecified, broadcast, reserved, documentation…): a deny-by-default rule, so a range we did not
 * think of is refused rather than reached. The deprecated IPv4-compatible ::a.b.c.d form (::/96)
 * counts as unicast for ipaddr.js but is refused too.
 */
export function nonPublicReason(address: Address): string | null {
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    const inner = embeddedIpv4(v6);
    if (inner) return nonPublicReason(inner);
    if (v6.parts.slice(0, 6).every((p) => p === 0)) return 'IPv4-compatible or unspecified';
  }
  const range = address.range();
  return range === 'unicast' ? null : range;
}

function allowed(address: Address, allowance: NetworkAllowance): boolean {
  if (allowance.kind === 'all') return true;
  if (allowance.kind === 'none') return false;
  const v6 = address.kind() === 'ipv6' ? embeddedIpv4(address as ipaddr.IPv6) : null;
  const candidates: Address[] = v6 ? [address, v6] : [address];
  return allowance.ranges.some(([net, bits]) => candidates.some((a) => a.kind() === net.kind() && a.match(net as never, bits)));
}

/** Why an outbound call must not reach `ip` (a literal address), or null when it may. */
export function refusedAddress(ip: string, allowance: NetworkAllowance): string | null {
  let address: Address;
  try {
    address = ipaddr.parse(ip);
  } catch {
    return `'${ip}' is not an IP address`;
  }
  const reason = nonPublicReason(address);
  if (reason === null || allowed(address, allowance)) return null;
  // Name the address a connection would reach: the IPv4 one inside a mapped IPv6 address.
  const reached = (address.kind() === 'ipv6' && embeddedIpv4(address as ipaddr.IPv6)) || address;
  return `${reached.toString()} is a ${reason} address`;
}

/** True for a literal IPv4 or IPv6 address (brackets stripped), as opposed to a host name. */
export function isIpLiteral(host: string): boolean {
  return ipaddr.isValid(host) && (host.includes(':') || ipaddr.IPv4.isValidFourPartDecimal(host));
}
