import { Inject, Injectable, Logger } from '@nestjs/common';
import { OUTBOX_EVENTS_CHANNEL, type OutboxEventNotice } from '@modelyard/types';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { RedisService } from '../redis/redis.service.js';

/**
 * Announces committed changes on Redis pub/sub (`<REDIS_PREFIX>:events`): the outbox's events once
 * their rows committed, and the services' CHANGE_NOTICES. At most once, never retried and never
 * failing the caller: a subscriber that missed one catches up by its periodic reconcile.
 */
@Injectable()
export class ChangeAnnouncer {
  private readonly logger = new Logger(ChangeAnnouncer.name);
  private readonly channel: string;

  constructor(
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    @Inject(RedisService) private readonly redis: RedisService,
  ) {
    this.channel = `${config.redis.prefix}:${OUTBOX_EVENTS_CHANNEL}`;
  }

  async announce(event: string, model: string | null): Promise<void> {
    const notice: OutboxEventNotice = { event, model };
    await this.redis.client.publish(this.channel, JSON.stringify(notice)).catch((err: unknown) => {
      this.logger.warn(`${event}${model ? ` of ${model}` : ''} not announced on Redis: ${String(err)}`);
    });
  }
}
