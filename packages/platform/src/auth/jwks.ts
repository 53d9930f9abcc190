import { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader } from 'jose';
import type { SecretOrKeyProvider } from 'passport-jwt';

/**
 * passport-jwt hands the key to jsonwebtoken unchanged, and jsonwebtoken accepts a KeyObject;
 * only passport-jwt's type declarations stop at string | Buffer.
 */
export const asKeyMaterial = (key: KeyObject) => key as unknown as Buffer;

/** At most one JWKS fetch per this interval, however many unknown key ids attackers send. */
export const JWKS_REFETCH_COOLDOWN_MS = 5_000;

/**
 * passport-jwt key provider for RS256 tokens signed by an identity provider's JWKS. jose fetches
 * and caches the key set (refetching when an unknown `kid` appears), so key rotation needs no restart.
 */
export function jwksKeyProvider(jwksUrl: string): SecretOrKeyProvider {
  const keySet = createRemoteJWKSet(new URL(jwksUrl), { cacheMaxAge: 10 * 60_000, cooldownDuration: JWKS_REFETCH_COOLDOWN_MS });
  return (_request, rawJwtToken: string, done) => {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(rawJwtToken);
    } catch {
      done(new Error('malformed token header'));
      return;
    }
    keySet(header, { payload: '', signature: '' } as never)
      .then((key) => done(null, asKeyMaterial(KeyObject.from(key as Parameters<typeof KeyObject.from>[0]))))
      .catch((err: Error) => done(err));
  };
}
