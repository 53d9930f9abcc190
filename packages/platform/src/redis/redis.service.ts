import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { acquireRedis, releaseRedis } from '../shared-clients.js';

/**
 * The shared Redis connection for hot state (rate limits, maintenance flag, caches). Every key is
 * prefixed with REDIS_PREFIX; BullMQ gets connections of its own. Shared by the services of an
 * all-in-one process (shared-clients.ts).
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.client = acquireRedis(config.redis.url, config.redis.prefix);
  }

  async onApplicationShutdown() {
    await releaseRedis(this.client);
  }
}
