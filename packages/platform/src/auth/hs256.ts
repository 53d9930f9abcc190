import { createHmac } from 'node:crypto';

/** Signs claims as an HS256 JWT (for service credentials and tests; verification is passport-jwt's). */
export function signHs256(claims: Record<string, unknown>, secret: string): string {
  const enc = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}
