import { clientKey, parseCidrList } from './client-ip.js';

describe('parseCidrList (TRUSTED_PROXIES)', () => {
  it('accepts addresses and CIDRs of both families, trimmed, and nothing for an empty value', () => {
    expect(parseCidrList(' 10.0.0.0/8, 127.0.0.1 ,fd00::/8,::1')).toEqual({
      ok: true,
      cidrs: ['10.0.0.0/8', '127.0.0.1', 'fd00::/8', '::1'],
    });
    expect(parseCidrList('')).toEqual({ ok: true, cidrs: [] });
  });

  it('names every bad entry', () => {
    const parsed = parseCidrList('10.0.0.0/33,10.0.0.0/8,fd00::/129,localhost,10.0.0.1/8/8,1.2.3.4/-1,1.2.3.4/');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    for (const bad of ['10.0.0.0/33', 'fd00::/129', 'localhost', '10.0.0.1/8/8', '1.2.3.4/-1', '1.2.3.4/']) {
      expect(parsed.problem).toContain(JSON.stringify(bad));
    }
    expect(parsed.problem).not.toContain('"10.0.0.0/8"');
  });
});

describe('clientKey', () => {
  it('keeps IPv4 addresses and unwraps IPv4-mapped IPv6', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7');
    expect(clientKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts IPv6 addresses by their /64, however they are written', () => {
    expect(clientKey('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:0DB8:0001:0002:ffff:0:0:9')).toBe('2001:db8:1:2::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('64:ff9b::192.0.2.1')).toBe('64:ff9b:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
