import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BaseEnv, ConfigError, parseEnv } from '../config/config.schema.js';
import type { PlatformConfig } from '../config/platform-config.js';
import { ValidationFailed } from '../errors/domain-errors.js';
import { NO_ALLOWANCE, parseNetworkAllowance, refusedAddress } from './address-policy.js';
import { checkOutboundUrl, redactUrl, splitCredentials } from './outbound-url.js';
import { OutboundRefused, OutboundUrlPolicy } from './outbound-url.policy.js';

const refused = (url: string, allow = NO_ALLOWANCE) => {
  const verdict = checkOutboundUrl(url, allow);
  return verdict.ok ? null : verdict.reason;
};

describe('outbound URL policy: set-time check', () => {
  // Every spelling of a non-public address a review tried, plus the IPv6 and mapped forms.
  const bad = [
    'http://127.0.0.1:9/hook',
    'http://localhost:3000/',
    'http://localhost./x',
    'http://LOCALHOST/',
    'http://api.localhost/',
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]:8080/',
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.169.254./',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://127.1/',
    'http://0/',
    'http://0.0.0.0/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::10.0.0.1]/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://255.255.255.255/',
  ];
  it.each(bad)('refuses %s', (url) => {
    expect(refused(url)).toMatch(/address|loopback name/);
  });

  it('names the address each spelling reaches and what it is', () => {
    expect(refused('http://2130706433/')).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(refused('http://0x7f000001/')).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(refused('http://[::ffff:127.0.0.1]/')).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(refused('http://169.254.169.254/')).toMatch(/^169\.254\.169\.254 is a linkLocal address/);
    expect(refused('http://100.64.0.1/')).toMatch(/carrierGradeNat/);
    expect(refused('http://[fd00::1]/')).toMatch(/uniqueLocal/);
    expect(refused('http://localhost./')).toMatch(/'localhost' is a loopback name/);
    expect(refused('http://10.0.0.1/')).toContain('WEBHOOK_ALLOW_PRIVATE_NETWORKS');
  });

  it('allows public addresses and host names (names are checked again once resolved)', () => {
    for (const url of ['https://hooks.example.com/x', 'http://8.8.8.8/', 'https://[2606:4700::1111]/', 'https://a:b@example.org/']) {
      expect(refused(url)).toBeNull();
    }
  });

  it('allows only http and https', () => {
    expect(refused('ftp://example.com/')).toMatch(/only http/);
    expect(refused('file:///etc/passwd')).toMatch(/only http/);
    expect(refused('gopher://example.com/')).toMatch(/only http/);
    expect(refused('not a url')).toBe('not a valid URL');
  });

  it('lets an operator allow all networks or listed ranges only', () => {
    const all = parseNetworkAllowance('true');
    expect(refused('http://127.0.0.1/', all)).toBeNull();
    expect(refused('http://localhost/', all)).toBeNull();
    const ranges = parseNetworkAllowance('10.0.0.0/8, fd00::/8 192.168.5.5');
    expect(refused('http://10.9.8.7/', ranges)).toBeNull();
    expect(refused('http://[::ffff:10.9.8.7]/', ranges)).toBeNull();
    expect(refused('http://[fd00::5]/', ranges)).toBeNull();
    expect(refused('http://192.168.5.5/', ranges)).toBeNull();
    expect(refused('http://192.168.5.6/', ranges)).toMatch(/private/);
    expect(refused('http://127.0.0.1/', ranges)).toMatch(/loopback/);
    expect(refused('http://localhost/', ranges)).toMatch(/loopback name/);
    expect(parseNetworkAllowance('false')).toEqual(NO_ALLOWANCE);
    expect(parseNetworkAllowance(undefined)).toEqual(NO_ALLOWANCE);
  });

  it('checks resolved addresses with the same rule', () => {
    expect(refusedAddress('127.0.0.1', NO_ALLOWANCE)).toMatch(/loopback/);
    expect(refusedAddress('::ffff:192.168.0.1', NO_ALLOWANCE)).toMatch(/192\.168\.0\.1 is a private/);
    expect(refusedAddress('93.184.215.14', NO_ALLOWANCE)).toBeNull();
  });
});

describe('WEBHOOK_ALLOW_PRIVATE_NETWORKS', () => {
  const base = { JWT_SECRET: 'x'.repeat(32) };
  it('is off by default and validated at start-up', () => {
    expect(parseEnv(BaseEnv, base).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toBeUndefined();
    expect(parseEnv(BaseEnv, { ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: '10.0.0.0/8' }).WEBHOOK_ALLOW_PRIVATE_NETWORKS).toMatchObject({
      kind: 'ranges',
    });
    let error: unknown;
    try {
      parseEnv(BaseEnv, { ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: '10.0.0.0/99,yes-please' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]).toMatch(/^WEBHOOK_ALLOW_PRIVATE_NETWORKS: '10.0.0.0\/99' is not a CIDR range/);
  });
});

describe('credentials in URLs', () => {
  it('are redacted for display and sent as Basic authentication', () => {
    expect(redactUrl('https://user:s3cret@hooks.example.com/x?y=1')).toBe('https://***:***@hooks.example.com/x?y=1');
    expect(redactUrl('https://hooks.example.com/x')).toBe('https://hooks.example.com/x');
    const { url, authorization } = splitCredentials(new URL('https://us%40er:p%3Ass@example.com/x'));
    expect(url.toString()).toBe('https://example.com/x');
    expect(Buffer.from(authorization!.slice(6), 'base64').toString()).toBe('us@er:p:ss');
  });
});

describe('OutboundUrlPolicy: delivery-time check', () => {
  let receiver: Server;
  let port: number;
  const seen: IncomingMessage[] = [];
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      seen.push(req);
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((r) => receiver.close(r)));

  const policyWith = (allow: string | undefined) => {
    const config = { webhooks: { allowPrivateNetworks: parseNetworkAllowance(allow) } } as PlatformConfig;
    const policy = new OutboundUrlPolicy(config);
    // A name no real DNS knows, answered by the injected resolver: deterministic and offline.
    policy.useResolver(async (host) => (host === 'receiver.test' ? [{ address: '127.0.0.1', family: 4 }] : []));
    return policy;
  };

  it('refuses a public-looking name that resolves to a private address, before connecting', async () => {
    const policy = policyWith(undefined);
    const before = seen.length;
    const attempt = policy.fetch(`http://receiver.test:${port}/hook`, { method: 'POST', body: '{}' });
    await expect(attempt).rejects.toBeInstanceOf(OutboundRefused);
    await expect(attempt).rejects.toThrow(/receiver\.test refused: 127\.0\.0\.1 is a loopback address/);
    expect(seen.length).toBe(before);
    await policy.onModuleDestroy();
  });

  it('refuses a literal address at call time too (a URL stored before the policy existed)', async () => {
    const policy = policyWith(undefined);
    await expect(policy.fetch(`http://user:pw@127.0.0.1:${port}/`, { method: 'POST' })).rejects.toThrow(
      /^http:\/\/\*\*\*:\*\*\*@127\.0\.0\.1:\d+\/ refused: 127\.0\.0\.1 is a loopback address/,
    );
    await policy.onModuleDestroy();
  });

  it('connects to the address it checked when the range is allowed, with URL credentials as Basic auth', async () => {
    const policy = policyWith('127.0.0.0/8');
    const res = await policy.fetch(`http://alice:pw@receiver.test:${port}/hook`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(204);
    const req = seen.at(-1)!;
    expect(req.url).toBe('/hook');
    expect(req.headers.host).toBe(`receiver.test:${port}`);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('alice:pw').toString('base64')}`);
    await policy.onModuleDestroy();
  });

  it('turns a refused URL into a 400 naming the field', () => {
    const policy = policyWith(undefined);
    let error: unknown;
    try {
      policy.assertAllowed('http://0x7f000001/', 'alerting.webhookUrl');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ValidationFailed);
    expect((error as ValidationFailed).status).toBe(400);
    expect((error as ValidationFailed).errors[0]).toMatchObject({ field: 'alerting.webhookUrl', in: 'body' });
  });
});
