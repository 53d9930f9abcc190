import type { FastifyReply, FastifyRequest } from 'fastify';

/** The session cookie's name; `__Host-` (Secure, path /, no Domain) when served over HTTPS. */
export const cookieName = (secure: boolean) => (secure ? '__Host-modelyard_session' : 'modelyard_session');

/** The value of one cookie of the request, or null (no Map of all cookies: names are the client's). */
export function readCookie(request: FastifyRequest, name: string): string | null {
  const header = request.headers.cookie;
  if (typeof header !== 'string') return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/**
 * Whether the browser reached the console over HTTPS: the connection's protocol, which Fastify
 * takes from X-Forwarded-Proto only when the peer is one of TRUSTED_PROXIES.
 */
export const isHttps = (request: FastifyRequest) => request.protocol === 'https';

/**
 * HttpOnly (scripts never see it), SameSite=Strict (no other site's page can send it), Secure over
 * HTTPS. No Max-Age: the session's end is kept in Redis, the cookie lives until the browser closes.
 */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  const secure = isHttps(request);
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  void reply.header('set-cookie', `${cookieName(secure)}=${value}; ${attributes.join('; ')}`);
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const secure = isHttps(request);
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Strict', 'Max-Age=0', ...(secure ? ['Secure'] : [])];
  void reply.header('set-cookie', `${cookieName(secure)}=; ${attributes.join('; ')}`);
}
