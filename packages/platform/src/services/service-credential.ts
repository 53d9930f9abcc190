import { Inject, Injectable } from '@nestjs/common';
import { signHs256 } from '../auth/hs256.js';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';

const LIFETIME_SECONDS = 300;

/**
 * The credential a service presents when it calls another service: SERVICE_API_KEY when set (the
 * only option with RS256/JWKS, where services cannot sign), otherwise a short-lived HS256 JWT
 * signed with the shared JWT_SECRET, subject `service:<name>`, admin role.
 */
@Injectable()
export class ServiceCredential {
  private cached?: { token: string; expires: number };

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  /**
   * What an SDK HttpClient needs to call another service as this one: the credential, asked before
   * every attempt (a retry never carries an expired token), contract checks outside production, and
   * a user agent naming this service. The caller adds its URL, timeout and retry policy.
   */
  clientOptions(): { authorization: () => string; validateResponses: boolean; userAgent: string } {
    return {
      authorization: () => this.authorization(),
      validateResponses: this.config.env !== 'production',
      userAgent: `modelyard-${this.config.service}`,
    };
  }

  authorization(): string {
    if (this.config.serviceApiKey) return `Bearer ${this.config.serviceApiKey}`;
    const secret = this.config.auth.jwtSecret;
    if (!secret) throw new Error('set SERVICE_API_KEY: with JWT_JWKS_URL this service cannot sign its own tokens');
    const now = Math.floor(Date.now() / 1000);
    if (!this.cached || this.cached.expires - now < 30) {
      const token = signHs256({ sub: `service:${this.config.service}`, roles: ['admin'], iat: now, exp: now + LIFETIME_SECONDS }, secret);
      this.cached = { token, expires: now + LIFETIME_SECONDS };
    }
    return `Bearer ${this.cached.token}`;
  }
}
