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
  /** Disk budget of the artifact cache; artifacts no version serves are removed, least recently used first. */
  SERVING_CACHE_MAX_MB: z.coerce.number().positive().max(1_073_741_824).default(10_240),
  /** onnxruntime threads per inference (intra-op); 1 suits many small calls, more helps large models' latency. */
  SERVING_ONNX_THREADS: z.coerce.number().int().min(1).max(256).default(1),
  /**
   * Dynamic batching (BatchingRunner) of the versions whose rows are independent: `learners` (model.json,
   * and ONNX written by @modelyard/learners), `all` (every ONNX model too: only if none of them mixes
   * rows of a batch), `off`.
   */
  SERVING_BATCHING: z.enum(['learners', 'all', 'off']).default('learners'),
  /** Memory budget of loaded models (each counted at its artifact's size); least recently used go first. */
  SERVING_MAX_MODELS_MB: z.coerce.number().positive().max(1_048_576).default(1024),
  /** Full reconcile with the registry this often: the safety net under the change announcements. */
  SERVING_RECONCILE_SECONDS: z.coerce.number().min(1).max(86_400).default(30),
  /** Running experiments are listed this often: a start, stop or conclusion is seen within it. */
  SERVING_EXPERIMENTS_POLL_SECONDS: z.coerce.number().min(0.1).max(3600).default(2),
  /** Queued exposures are sent at least this often (and whenever 500 are queued). */
  SERVING_EXPOSURE_FLUSH_SECONDS: z.coerce.number().min(0.01).max(3600).default(1),
  /** Units' assignments kept in process (a unit inside an experiment keeps its variant: asked once). */
  SERVING_ASSIGNMENT_CACHE_UNITS: z.coerce.number().int().min(1).max(100_000_000).default(200_000),
  /** After SIGTERM, readiness is false this long before in-flight requests are drained (endpoints update). */
  SERVING_SHUTDOWN_DELAY_SECONDS: seconds(300).default(0),
  /** Longest wait for in-flight predictions to finish at shutdown. */
  SERVING_DRAIN_TIMEOUT_SECONDS: seconds(3600).default(30),
  /**
   * How long a prediction's features are kept (Redis, only for models with a learning pipeline) so
   * that its label, sent to /feedback, becomes a learning sample. About 150 bytes + the features'
   * JSON per prediction: 20 numeric features ≈ 0.5 KB, so 7 days at 100 predictions/s ≈ 30 GB.
   */
  SERVING_FEEDBACK_HORIZON_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(90 * 86_400)
    .default(7 * 86_400),
  /** The model's drift monitors and learning pipelines are listed again this often. */
  SERVING_FEEDBACK_TARGETS_SECONDS: z.coerce.number().min(0.1).max(3600).default(30),
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
  maxCacheBytes: number;
  onnxThreads: number;
  batching: 'learners' | 'all' | 'off';
  maxModelBytes: number;
  reconcileMs: number;
  experimentsPollMs: number;
  exposureFlushMs: number;
  assignmentCacheUnits: number;
  shutdownDelayMs: number;
  drainTimeoutMs: number;
  feedbackHorizonSeconds: number;
  feedbackTargetsMs: number;
  shadow: { concurrency: number; queue: number };
}

export interface ServingConfig extends PlatformConfig {
  serving: ServingSettings;
}

function toServingSettings(env: ServingEnv): ServingSettings {
  return {
    models: env.SERVING_MODELS,
    cacheDir: env.SERVING_CACHE_DIR,
    maxCacheBytes: Math.round(env.SERVING_CACHE_MAX_MB * 1024 * 1024),
    onnxThreads: env.SERVING_ONNX_THREADS,
    batching: env.SERVING_BATCHING,
    maxModelBytes: Math.round(env.SERVING_MAX_MODELS_MB * 1024 * 1024),
    reconcileMs: Math.round(env.SERVING_RECONCILE_SECONDS * 1000),
    experimentsPollMs: Math.round(env.SERVING_EXPERIMENTS_POLL_SECONDS * 1000),
    exposureFlushMs: Math.round(env.SERVING_EXPOSURE_FLUSH_SECONDS * 1000),
    assignmentCacheUnits: env.SERVING_ASSIGNMENT_CACHE_UNITS,
    shutdownDelayMs: Math.round(env.SERVING_SHUTDOWN_DELAY_SECONDS * 1000),
    drainTimeoutMs: Math.round(env.SERVING_DRAIN_TIMEOUT_SECONDS * 1000),
    feedbackHorizonSeconds: env.SERVING_FEEDBACK_HORIZON_SECONDS,
    feedbackTargetsMs: Math.round(env.SERVING_FEEDBACK_TARGETS_SECONDS * 1000),
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
