import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { acquireRedis, releaseRedis } from '../shared-clients.js';
import type { RedisClient } from './redis-client.js';

/**
 * The shared Redis connection for hot state (rate limits, maintenance flag, caches). Every key is
 * prefixed with REDIS_PREFIX; BullMQ gets connections of its own. A Redis Cluster client when
 * REDIS_CLUSTER_NODES is set: keys of one entity carry its hash tag (key-tags.ts). Shared by the services of an
 * all-in-one process (shared-clients.ts).
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: RedisClient;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.client = acquireRedis(config.redis);
  }

  async onApplicationShutdown() {
    await releaseRedis(this.client);
  }
}
