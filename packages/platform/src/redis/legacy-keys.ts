import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '../config/platform-config.js';
import { isCluster, keysMatching, type RedisClient } from './redis-client.js';
import { RedisService } from './redis.service.js';

/**
 * A key layout a service used before its keys got hash tags (key-tags.ts): `match` is a SCAN
 * pattern after `<REDIS_PREFIX>:`, `rename` gives the tagged name of one such key (without the
 * prefix), or undefined to leave it alone.
 */
export interface LegacyKeyRule {
  match: string;
  rename: (key: string) => string | undefined;
}

export const LEGACY_KEY_RULES = Symbol('LEGACY_KEY_RULES');

export interface LegacyKeysMoved {
  moved: number;
  /** Keys whose tagged name was already taken (written since the upgrade): left where they are. */
  kept: number;
}

/**
 * Moves hot state written under an earlier key layout to the tagged one, so an upgrade loses no
 * buffered samples, window records or pending assignments. Only a single Redis can hold old keys
 * (cluster mode came with the tags). RENAMENX never overwrites: a key whose new name exists is kept
 * under its old name and reported, never dropped.
 */
export async function moveLegacyKeys(client: RedisClient, prefix: string, rules: readonly LegacyKeyRule[]): Promise<LegacyKeysMoved> {
  const result: LegacyKeysMoved = { moved: 0, kept: 0 };
  if (isCluster(client)) return result;
  const head = `${prefix}:`;
  for (const rule of rules) {
    for (const full of await keysMatching(client, `${head}${rule.match}`)) {
      const key = full.slice(head.length);
      const target = rule.rename(key);
      if (target === undefined || target === key) continue;
      // The client adds the key prefix to both names.
      if ((await client.renamenx(key, target)) === 1) result.moved++;
      else result.kept++;
    }
  }
  return result;
}

/** Runs the service's rules once at start, before the feature modules (this module is the deepest). */
@Injectable()
export class LegacyKeys implements OnModuleInit {
  private readonly logger = new Logger(LegacyKeys.name);

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    @Inject(RedisService) private readonly redis: RedisService,
    @Inject(LEGACY_KEY_RULES) private readonly rules: readonly LegacyKeyRule[],
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.rules.length) return;
    const { moved, kept } = await moveLegacyKeys(this.redis.client, this.config.redis.prefix, this.rules);
    if (moved) this.logger.log(`moved ${moved} Redis keys of an earlier layout to their tagged names`);
    if (kept) this.logger.warn(`${kept} Redis keys of an earlier layout kept under their old names: their tagged names exist`);
  }
}

/** `<entity>:<id>:<rest>` → `{<tag>:<id>}:<rest>`: the layout of experiments and learning before tags. */
export function untaggedEntityRule(head: string, tag: (id: string) => string): LegacyKeyRule {
  return {
    match: `${head}:*`,
    rename: (key) => {
      const [, id, ...rest] = key.split(':');
      return id && rest.length ? `${tag(id)}:${rest.join(':')}` : undefined;
    },
  };
}
