import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RedisService, keyTag, type LegacyKeyRule } from '@modelyard/platform';
import { z } from 'zod';

/** How often each replica reads the shadows again: a shadow set on one replica reaches the others within this. */
const REFRESH_MS = 1_000;
/** Redis hash of every model's shadow (field: model name), under the installation's prefix. */
const CONFIGS_KEY = 'serving:shadows';

/** A model's shadow as stored: `id` changes whenever it is set again, which starts a new report. */
export const ShadowConfig = z.object({
  id: z.string(),
  version: z.string().optional(),
  alias: z.string().optional(),
  fraction: z.number().min(0).max(1),
  tolerance: z.number().min(0),
  since: z.string(),
});
export type ShadowConfig = z.infer<typeof ShadowConfig>;

/** Where a shadow's report is aggregated (one hash per shadow lifetime, shared by the replicas). */
export const reportKey = (model: string, id: string) => `${keyTag('model', model)}:shadow-report:${id}`;

/**
 * The shadows of all models, kept in Redis so every replica scores with the same ones, and cached
 * here (read again every REFRESH_MS) so the prediction path never waits on Redis. Listeners hear
 * of each model whose shadow changed, whichever replica changed it.
 */
@Injectable()
export class ShadowConfigs implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ShadowConfigs.name);
  private configs = new Map<string, ShadowConfig>();
  private readonly listeners: ((model: string) => void)[] = [];
  private timer?: NodeJS.Timeout;
  // Bumped by every change made here: a read begun before it is stale and must not undo it.
  private writes = 0;

  constructor(@Inject(RedisService) private readonly redis: RedisService) {}

  async onModuleInit(): Promise<void> {
    await this.refresh().catch((err: unknown) => this.logger.warn(`shadows not read at start: ${String(err)}`));
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) => this.logger.warn(`shadows not read again: ${String(err)}`));
    }, REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  onChange(listener: (model: string) => void): void {
    this.listeners.push(listener);
  }

  /** The model's shadow as this replica knows it (at most REFRESH_MS old). */
  get(model: string): ShadowConfig | undefined {
    return this.configs.get(model);
  }

  async set(model: string, config: ShadowConfig): Promise<ShadowConfig | undefined> {
    const before = this.configs.get(model);
    this.writes++;
    await this.redis.client.hset(CONFIGS_KEY, model, JSON.stringify(config));
    if (before) await this.redis.client.del(reportKey(model, before.id));
    this.apply(model, config);
    return before;
  }

  /** False when the model had no shadow. */
  async delete(model: string): Promise<boolean> {
    const before = (await this.read()).get(model);
    if (!before) return false;
    this.writes++;
    await this.redis.client.hdel(CONFIGS_KEY, model);
    await this.redis.client.del(reportKey(model, before.id));
    this.apply(model, undefined);
    return true;
  }

  private async read(): Promise<Map<string, ShadowConfig>> {
    const raw = await this.redis.client.hgetall(CONFIGS_KEY);
    const configs = new Map<string, ShadowConfig>();
    for (const [model, json] of Object.entries(raw)) {
      try {
        configs.set(model, ShadowConfig.parse(JSON.parse(json)));
      } catch {
        this.logger.warn(`ignored a malformed shadow of ${model}`);
      }
    }
    return configs;
  }

  private async refresh(): Promise<void> {
    const writes = this.writes;
    const next = await this.read();
    if (writes !== this.writes) return;
    for (const model of new Set([...this.configs.keys(), ...next.keys()])) this.apply(model, next.get(model));
  }

  private apply(model: string, config: ShadowConfig | undefined): void {
    if (this.configs.get(model)?.id === config?.id) return;
    if (config) this.configs.set(model, config);
    else this.configs.delete(model);
    for (const listener of this.listeners) listener(model);
  }
}

/** Before tags a shadow report was `serving:shadow-report:<model>:<id>`: moved at start (LegacyKeys). */
export const SHADOW_LEGACY_KEYS: LegacyKeyRule[] = [
  {
    match: 'serving:shadow-report:*',
    rename: (key) => {
      const m = /^serving:shadow-report:(.+):([^:]+)$/.exec(key);
      return m ? reportKey(m[1]!, m[2]!) : undefined;
    },
  },
];
