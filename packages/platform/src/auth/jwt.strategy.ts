import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Role, TeamsClaim, higherTeamRole, scopesOf, type TeamRole } from '@modelyard/types';
import { ExtractJwt, Strategy, type StrategyOptionsWithoutRequest } from 'passport-jwt';
import { z } from 'zod';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { Unauthenticated } from '../errors/domain-errors.js';
import { asKeyMaterial, jwksKeyProvider } from './jwks.js';
import type { Principal } from './principal.js';

const Claims = z.object({
  sub: z.string().min(1),
  roles: z.array(z.string()).default([]),
  teams: z.unknown().optional(),
  exp: z.number().optional(),
  iat: z.number().optional(),
});

/**
 * The memberships a token's `teams` claim grants. Unlike unknown role names (which grant nothing),
 * a malformed claim refuses the token: reading part of it could grant less, or other, than the
 * identity provider meant, and a clear 401 tells its operator what to fix.
 */
export function teamsFromClaim(claim: unknown): Map<string, TeamRole> {
  const teams = new Map<string, TeamRole>();
  if (claim === undefined) return teams;
  const parsed = TeamsClaim.safeParse(claim);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `teams.${issue.path.join('.')}` : 'teams';
    throw new Unauthenticated(`the token's teams claim is malformed (${where}: ${issue?.message ?? 'invalid'}); expected [{team, role}]`);
  }
  for (const { team, role } of parsed.data) {
    const known = teams.get(team);
    teams.set(team, known ? higherTeamRole(known, role) : role);
  }
  return teams;
}

/**
 * A token must say when it ends, and not too far ahead: a bearer token cannot be revoked, so one
 * without `exp` (or with a far one) would work forever for whoever copies it. The lifetime counts
 * from `iat`, or from now when that is absent or in the future (a token cannot shorten its
 * lifetime by claiming to be issued later).
 */
export function boundedExpiry(claims: { exp?: number; iat?: number }, maxLifetimeSeconds: number): number {
  if (claims.exp === undefined) throw new Unauthenticated('the token has no expiry (exp claim); tokens must expire');
  const now = Date.now() / 1000;
  const lifetime = claims.exp - Math.min(claims.iat ?? now, now);
  if (lifetime > maxLifetimeSeconds) {
    const limit = `${maxLifetimeSeconds} s (JWT_MAX_LIFETIME_SECONDS)`;
    throw new Unauthenticated(`the token's lifetime (exp − iat) exceeds ${limit}`);
  }
  return claims.exp;
}

function strategyOptions(config: PlatformConfig): StrategyOptionsWithoutRequest {
  const { jwksUrl, jwtSecret, issuer, audience } = config.auth;
  const common = {
    jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
    ignoreExpiration: false,
    ...(issuer ? { issuer } : {}),
    ...(audience ? { audience } : {}),
  };
  if (jwksUrl) {
    // RS256 only: never let a token choose HS256 and be checked against a public key.
    return {
      ...common,
      algorithms: ['RS256'],
      secretOrKeyProvider: jwksKeyProvider(jwksUrl),
    };
  }
  // A KeyObject, not the string: given a string, jsonwebtoken first tries (and fails) to parse it
  // as a public key on every verification, which was a quarter of the CPU of a simple route.
  const key = createSecretKey(Buffer.from(jwtSecret!, 'utf8'));
  return { ...common, algorithms: ['HS256'], secretOrKeyProvider: (_req, _token, done) => done(null, asKeyMaterial(key)) };
}

/** Verifies bearer JWTs (HS256 with JWT_SECRET, or RS256 from a JWKS), maps `roles` to scopes and reads `teams`. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly maxLifetimeSeconds: number;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    super(strategyOptions(config));
    this.maxLifetimeSeconds = config.auth.maxLifetimeSeconds;
  }

  validate(payload: unknown): Principal | false {
    const claims = Claims.safeParse(payload);
    if (!claims.success) return false;
    const exp = boundedExpiry(claims.data, this.maxLifetimeSeconds);
    const teams = teamsFromClaim(claims.data.teams);
    // Unknown role names grant nothing rather than failing the whole token.
    const roles = claims.data.roles.flatMap((r) => (Role.safeParse(r).success ? [r as Role] : []));
    return { kind: 'jwt', id: claims.data.sub, roles, scopes: scopesOf(roles), teams, expiresAt: exp * 1000 };
  }
}
