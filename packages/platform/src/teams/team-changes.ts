import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { closeRedisClient, createRedisClient, type RedisClient } from '../redis/redis-client.js';
import { RedisService } from '../redis/redis.service.js';

/** Published after any change to team ownership or membership; under the installation's REDIS_PREFIX. */
const CHANGED_CHANNEL = 'teams:changed';

/**
 * Tells every replica of every service that team ownership or membership changed, so TeamAccess
 * can keep what it read between changes. A reader may use its cache only while `generation()` is
 * defined: the subscription is up, so no change can go unheard. Each change heard (or announced
 * here, or a lost connection) moves the generation on, and entries read under an earlier one are
 * never used again, including a lookup that overlapped the change.
 */
@Injectable()
export class TeamChanges implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TeamChanges.name);
  private readonly channel: string;
  private subscriber?: RedisClient;
  private listening = false;
  private changes = 0;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(RedisService) private readonly redis: RedisService,
  ) {
    this.channel = `${config.redis.prefix}:${CHANGED_CHANNEL}`;
  }

  /** The current generation while changes are heard; undefined when they might not be (then read the database). */
  generation(): number | undefined {
    return this.listening ? this.changes : undefined;
  }

  /** After a committed change: this process forgets at once, the others when the message arrives. */
  async announce(what: string): Promise<void> {
    this.changes++;
    await this.redis.client.publish(this.channel, what).catch((err: unknown) => {
      // Other processes keep reading their cache until their subscription notices nothing; say so.
      this.logger.error(`team change (${what}) not announced on Redis: other replicas may apply it late: ${String(err)}`);
    });
  }

  /** Listens on a connection of its own (a subscribed connection can do nothing else); workers check no requests. */
  async onModuleInit(): Promise<void> {
    if (this.config.workerOnly) return;
    const subscriber = createRedisClient(this.config.redis);
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string) => {
      if (channel === this.channel) this.changes++;
    });
    // Messages published while the connection is down are lost: stop using the cache until it is back.
    subscriber.on('close', () => {
      this.listening = false;
      this.changes++;
    });
    subscriber.on('ready', () => void this.subscribe(subscriber));
    await this.subscribe(subscriber);
  }

  async onApplicationShutdown(): Promise<void> {
    this.listening = false;
    if (this.subscriber) await closeRedisClient(this.subscriber);
  }

  private async subscribe(subscriber: RedisClient): Promise<void> {
    try {
      await subscriber.subscribe(this.channel);
      // Anything that changed before the subscription took effect was read under an older generation.
      this.changes++;
      this.listening = subscriber.status === 'ready';
    } catch (err) {
      this.listening = false;
      this.logger.warn(`team checks read the database on every request: no subscription (${String(err)})`);
    }
  }
}
