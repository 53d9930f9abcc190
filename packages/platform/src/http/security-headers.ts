import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';

/**
 * One policy for every response. API answers are JSON and need none of it beyond framing and
 * sniffing; the sources are what /docs needs: swagger-ui's script and styles from /docs/assets (its
 * start-up code is /docs/assets/init.js, so no inline script is ever allowed), inline styles
 * (swagger-ui sets style attributes), its icons as data: URIs, and calls to this origin only.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};

/**
 * Security headers on every response (helmet): nosniff, X-Frame-Options DENY, Referrer-Policy
 * no-referrer, the CSP above and helmet's cross-origin isolation defaults. They do not depend on
 * the request, so helmet runs once, here, and each response gets the headers it set: helmet's
 * Fastify plugin rebuilt every middleware and re-parsed the CSP on every request (a twentieth of
 * a prediction's CPU).
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  const response = {
    setHeader: (name: string, value: string | number) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  const outcome: { failure?: Error } = {};
  helmet({
    // No helmet defaults: its `upgrade-insecure-requests` would send /docs' assets to https:// on
    // services reached over plain HTTP inside a cluster.
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // TLS ends at the ingress, which alone knows whether HTTPS is used: HSTS is its header to send.
    strictTransportSecurity: false,
  })({} as IncomingMessage, response as unknown as ServerResponse, (err?: unknown) => {
    if (err) outcome.failure = err instanceof Error ? err : new Error('helmet refused the security-header options');
  });
  if (outcome.failure) throw outcome.failure;
  return { ...headers };
}

/** Registered before any other onRequest hook, so answers given early (401, 429) carry them too. */
export function registerSecurityHeaders(fastify: FastifyInstance): void {
  const headers = securityHeaders();
  fastify.addHook('onRequest', (_request, reply, done) => {
    void reply.headers(headers);
    done();
  });
}
