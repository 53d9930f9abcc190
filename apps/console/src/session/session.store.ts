import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RedisService } from '@modelyard/platform';
import { WhoAmIResponse } from '@modelyard/types';
import { z } from 'zod';
import { CONSOLE_SETTINGS } from '../console.tokens.js';
import type { ConsoleSettings } from '../config.js';

/** What a session keeps in Redis. The credential never leaves the server. */
const StoredSession = z.object({
  credential: z.string(),
  who: WhoAmIResponse,
  csrfToken: z.string(),
  createdAt: z.number(),
  /** The session ends here at the latest: its maximum age, or its credential's expiry if sooner. */
  endsAt: z.number(),
});
export type Session = z.infer<typeof StoredSession>;

const SESSION_ID = /^[\w-]{43}$/;

/**
 * Sessions in Redis under `<REDIS_PREFIX>:console:session:<sha256 of the id>`: someone reading
 * Redis learns no cookie value to replay. Idle expiry slides on every use (the key's TTL), the
 * absolute end is kept in the session and bounds that TTL.
 */
@Injectable()
export class SessionStore {
  constructor(
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(CONSOLE_SETTINGS) private readonly settings: ConsoleSettings,
  ) {}

  /** Creates a session; returns its id (the cookie's value) and the stored session. */
  async create(credential: string, who: WhoAmIResponse): Promise<{ id: string; session: Session }> {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const credentialEnd = who.expiresAt ? Date.parse(who.expiresAt) : Infinity;
    const session: Session = {
      credential,
      who,
      csrfToken: randomBytes(32).toString('base64url'),
      createdAt: now,
      endsAt: Math.min(now + this.settings.sessionMaxSeconds * 1000, credentialEnd),
    };
    await this.redis.client.set(this.key(id), JSON.stringify(session), 'PX', this.ttlMs(session, now));
    return { id, session };
  }

  /** The live session of this id, its idle timer restarted; null when unknown, expired or malformed. */
  async touch(id: string | null): Promise<Session | null> {
    if (!id || !SESSION_ID.test(id)) return null;
    const raw = await this.redis.client.get(this.key(id));
    if (!raw) return null;
    const parsed = StoredSession.safeParse(JSON.parse(raw));
    const now = Date.now();
    if (!parsed.success || parsed.data.endsAt <= now) {
      await this.destroy(id);
      return null;
    }
    await this.redis.client.pexpire(this.key(id), this.ttlMs(parsed.data, now));
    return parsed.data;
  }

  async destroy(id: string | null): Promise<void> {
    if (id && SESSION_ID.test(id)) await this.redis.client.del(this.key(id));
  }

  /** Constant-time comparison of the token a request sent with the session's. */
  static csrfMatches(session: Session, sent: unknown): boolean {
    if (typeof sent !== 'string') return false;
    const a = Buffer.from(sent);
    const b = Buffer.from(session.csrfToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private ttlMs(session: Session, now: number): number {
    return Math.max(1, Math.min(this.settings.sessionIdleSeconds * 1000, session.endsAt - now));
  }

  private key(id: string): string {
    return `console:session:${createHash('sha256').update(id).digest('hex')}`;
  }
}
