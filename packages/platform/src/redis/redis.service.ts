import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';

/**
 * The shared Redis connection for hot state (rate limits, maintenance flag, caches). Every key is
 * prefixed with REDIS_PREFIX; BullMQ gets connections of its own.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.client = new Redis(config.redis.url, {
      keyPrefix: `${config.redis.prefix}:`,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      lazyConnect: false,
    });
    // Connection errors are reported by /health/ready and by the commands that fail; without a
    // listener ioredis would print each reconnect attempt as an unhandled error event.
    this.client.on('error', () => undefined);
  }

  async onApplicationShutdown() {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
