import { BaseEnvObject, parseEnv, toPlatformConfig, withEnvRules, type PlatformConfig } from '@modelyard/platform';
import { ModelName } from '@modelyard/types';
import type { DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { AppModule } from './app.module.js';

export const SERVICE = 'serving';
export const DEFAULT_PORT = 3005;

const seconds = (max: number) => z.coerce.number().min(0).max(max);

/** Comma-separated model names; empty means every model with a servable artifact. */
const ModelList = z
  .string()
  .default('')
  .transform((v, ctx) => {
    const names = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const name of names) {
      if (!ModelName.safeParse(name).success) ctx.addIssue({ code: 'custom', message: `'${name}' is not a model name` });
    }
    return names;
  });

/**
 * The serving service's environment: the platform's variables (predict and infer are ingestion
 * routes: a call carries up to 10,000 instances, about 4 MB at 20 features, under
 * INGEST_BODY_LIMIT_BYTES), no per-credential rate limit by
 * default (prediction traffic is machine traffic at high rates: limit it at the ingress, or set
 * RATE_LIMIT_MAX), and the serving settings.
 */
export const ServingEnvObject = BaseEnvObject.extend({
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(0),
  SERVING_MODELS: ModelList,
  /** Downloaded artifacts, one file per SHA-256; a restart loads from here without downloading. */
  SERVING_CACHE_DIR: z.string().min(1).default('./var/serving-cache'),
  /** Memory budget of loaded models (each counted at its artifact's size); least recently used go first. */
  SERVING_MAX_MODELS_MB: z.coerce.number().positive().max(1_048_576).default(1024),
  /** Full reconcile with the registry this often: the safety net under the change announcements. */
  SERVING_RECONCILE_SECONDS: z.coerce.number().min(1).max(86_400).default(30),
  /** After SIGTERM, readiness is false this long before in-flight requests are drained (endpoints update). */
  SERVING_SHUTDOWN_DELAY_SECONDS: seconds(300).default(0),
  /** Longest wait for in-flight predictions to finish at shutdown. */
  SERVING_DRAIN_TIMEOUT_SECONDS: seconds(3600).default(30),
  /** Shadow scoring runs at most this many calls at once, off the request path. */
  SERVING_SHADOW_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Shadow calls waiting past the running ones; more are skipped (and counted in the shadow's report). */
  SERVING_SHADOW_QUEUE: z.coerce.number().int().min(0).max(10_000).default(64),
});
type ServingEnv = z.infer<typeof ServingEnvObject>;

export interface ServingSettings {
  /** Empty: every model. */
  models: string[];
  cacheDir: string;
  maxModelBytes: number;
  reconcileMs: number;
  shutdownDelayMs: number;
  drainTimeoutMs: number;
  shadow: { concurrency: number; queue: number };
}

export interface ServingConfig extends PlatformConfig {
  serving: ServingSettings;
}

function toServingSettings(env: ServingEnv): ServingSettings {
  return {
    models: env.SERVING_MODELS,
    cacheDir: env.SERVING_CACHE_DIR,
    maxModelBytes: Math.round(env.SERVING_MAX_MODELS_MB * 1024 * 1024),
    reconcileMs: Math.round(env.SERVING_RECONCILE_SECONDS * 1000),
    shutdownDelayMs: Math.round(env.SERVING_SHUTDOWN_DELAY_SECONDS * 1000),
    drainTimeoutMs: Math.round(env.SERVING_DRAIN_TIMEOUT_SECONDS * 1000),
    shadow: { concurrency: env.SERVING_SHADOW_CONCURRENCY, queue: env.SERVING_SHADOW_QUEUE },
  };
}

export function buildServing(env: Record<string, string | undefined>): {
  module: DynamicModule;
  config: ServingConfig;
} {
  const parsed = parseEnv(withEnvRules(ServingEnvObject), env);
  const config: ServingConfig = {
    ...toPlatformConfig(SERVICE, DEFAULT_PORT, parsed),
    serving: toServingSettings(parsed),
  };
  return { module: AppModule.forRoot(config), config };
}
