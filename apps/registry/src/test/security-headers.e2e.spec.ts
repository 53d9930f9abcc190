import { startTestApp, type TestApp } from '@modelyard/platform/testing';
import { buildRegistry } from '../config.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp(buildRegistry);
});
afterAll(() => t.close());

/** The CSP as a map of directive → sources. */
function csp(headers: Headers): Map<string, string[]> {
  const value = headers.get('content-security-policy') ?? '';
  return new Map(
    value
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

function expectSecurityHeaders(headers: Headers) {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  const policy = csp(headers);
  expect(policy.get('script-src')).toEqual(["'self'"]);
  expect(policy.get('default-src')).toEqual(["'self'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
}

describe('security headers', () => {
  it('are on API answers, errors included', async () => {
    const cases: Array<[string, string, Parameters<TestApp['request']>[2]]> = [
      ['GET', '/v1/models', { as: 'viewer' }],
      ['GET', '/v1/models', { as: null }],
      ['POST', '/v1/models', { as: 'viewer', body: { name: 'm' } }],
      ['GET', '/v1/nowhere', { as: 'viewer' }],
      ['GET', '/health/live', { as: null }],
      ['GET', '/openapi.json', { as: null }],
    ];
    const statuses = [];
    for (const [method, path, options] of cases) {
      const res = await t.request(method, path, options);
      statuses.push(res.status);
      expectSecurityHeaders(res.headers);
    }
    expect(statuses).toEqual([200, 401, 403, 404, 200, 200]);
  });

  it('let /docs run with same-origin scripts only, no inline script allowed or needed', async () => {
    const page = await t.request('GET', '/docs', { as: null });
    expect(page.status).toBe(200);
    expectSecurityHeaders(page.headers);
    for (const [directive, sources] of csp(page.headers)) {
      const governsScripts = directive.startsWith('script-src') || directive === 'default-src';
      if (governsScripts) expect(sources).not.toContain("'unsafe-inline'");
    }

    const scripts = [...page.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    const sources = scripts.map(([, attributes, body]) => {
      expect(body!.trim()).toBe('');
      return /\bsrc="([^"]+)"/.exec(attributes!)?.[1];
    });
    expect(sources).toEqual(['/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']);
    for (const src of sources) {
      const script = await t.request('GET', src!, { as: null });
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
      expectSecurityHeaders(script.headers);
    }
    const init = await t.request('GET', '/docs/assets/init.js', { as: null });
    expect(init.text).toContain("SwaggerUIBundle({\n  url: '/openapi.json'");
  });
});
