import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { ChannelSubscription } from '../redis/channel-subscription.js';
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
  private subscription?: ChannelSubscription;
  private changes = 0;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(RedisService) private readonly redis: RedisService,
  ) {
    this.channel = `${config.redis.prefix}:${CHANGED_CHANNEL}`;
  }

  /** The current generation while changes are heard; undefined when they might not be (then read the database). */
  generation(): number | undefined {
    return this.subscription?.listening ? this.changes : undefined;
  }

  /** After a committed change: this process forgets at once, the others when the message arrives. */
  async announce(what: string): Promise<void> {
    this.changes++;
    await this.redis.client.publish(this.channel, what).catch((err: unknown) => {
      // Other processes keep reading their cache until their subscription notices nothing; say so.
      this.logger.error(`team change (${what}) not announced on Redis: other replicas may apply it late: ${String(err)}`);
    });
  }

  /** Listens from start-up; workers check no requests. */
  async onModuleInit(): Promise<void> {
    if (this.config.workerOnly) return;
    // Each change heard, each loss of the connection and each return moves the generation on:
    // anything read before a subscription took effect was read under an older one.
    const next = () => void this.changes++;
    this.subscription = await ChannelSubscription.open(this.config.redis, this.channel, {
      message: next,
      listening: next,
      lost: next,
      failed: (err) => this.logger.warn(`team checks read the database on every request: no subscription (${String(err)})`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }
}
