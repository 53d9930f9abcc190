import { isIpLiteral, refusedAddress, type NetworkAllowance } from './address-policy.js';

export const ALLOWANCE_HINT = '; outbound calls to private networks are refused (WEBHOOK_ALLOW_PRIVATE_NETWORKS)';

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Names every resolver answers with a loopback address (RFC 6761 §6.3), whatever DNS says. */
const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * The set-time half of the outbound-URL policy, pure: only http(s), and no literal address or
 * loopback name outside what the operator allows. WHATWG URL parsing first normalizes every IPv4
 * spelling (2130706433, 0x7f000001, 0177.0.0.1, 127.1, a trailing dot) to dotted decimal and IPv6
 * to its canonical form, so each is checked as the address a connection would reach. Host names
 * are checked again, resolved, at delivery time (OutboundUrlPolicy.lookup).
 */
export function checkOutboundUrl(raw: string, allowance: NetworkAllowance): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, reason: 'only http:// and https:// URLs are allowed' };
  }
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  if (!host) return { ok: false, reason: 'the URL names no host' };
  const refusal = isIpLiteral(host)
    ? refusedAddress(host, allowance)
    : isLocalhostName(host) && allowance.kind !== 'all'
      ? `'${host}' is a loopback name`
      : null;
  if (refusal) return { ok: false, reason: `${refusal}${ALLOWANCE_HINT}` };
  return { ok: true, url };
}

/** The URL with its password (and user name) replaced, for logs, delivery logs and responses. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (!url.username && !url.password) return raw;
    url.username = url.username ? '***' : '';
    url.password = url.password ? '***' : '';
    return url.toString();
  } catch {
    return raw.replace(/\/\/[^/@]*@/, '//***@');
  }
}

/**
 * Splits credentials out of a URL: fetch refuses URLs with `user:pass@`, and receivers that use
 * them expect HTTP Basic authentication, which is what a browser or curl would send.
 */
export function splitCredentials(url: URL): { url: URL; authorization: string | null } {
  if (!url.username && !url.password) return { url, authorization: null };
  const clean = new URL(url);
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  clean.username = '';
  clean.password = '';
  return { url: clean, authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}
