import { KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader } from 'jose';
import type { SecretOrKeyProvider } from 'passport-jwt';
import { UpstreamUnavailable } from '../errors/domain-errors.js';

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
      .catch((err: Error) => done(keyLookupFailure(err)));
  };
}

/** jose's answers about the token's key itself: the token is refused (401). */
const TOKEN_KEY_PROBLEMS = new Set(['ERR_JWKS_NO_MATCHING_KEY', 'ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'ERR_JOSE_NOT_SUPPORTED']);

/**
 * A key the set does not hold is the token's fault; a key set that cannot be fetched (network,
 * timeout, non-200, not a JWKS) is the identity provider's: a 503 the client may retry, not a
 * refusal counted against its address by the failed-authentication limit.
 */
function keyLookupFailure(err: Error): Error {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && TOKEN_KEY_PROBLEMS.has(code)) return err;
  return new UpstreamUnavailable('identity provider', `the JWKS could not be fetched (${err.message}); try again shortly`);
}
