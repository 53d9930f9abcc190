import { NO_ALLOWANCE, type NetworkAllowance } from '../outbound/address-policy.js';
import type { RedisConfig } from '../redis/redis-client.js';
import { BaseEnv } from './config.schema.js';

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

/** The validated configuration, grouped by concern. */
export interface PlatformConfig {
  service: string;
  env: BaseEnv['NODE_ENV'];
  http: { host: string; port: number; bodyLimit: number; ingestBodyLimit: number; trustedProxies: string[] };
  logLevel: BaseEnv['LOG_LEVEL'];
  database: { url: string };
  redis: RedisConfig;
  auth: { jwtSecret?: string; jwksUrl?: string; issuer?: string; audience?: string; maxLifetimeSeconds: number };
  rateLimit: { max: number; windowSeconds: number; authFailureMax: number };
  maintenanceFromEnv: boolean;
  workerOnly: boolean;
  serviceApiKey?: string;
  urls: { registry: string; experiments: string; drift: string; learning: string };
  queues: { runWorkers: boolean };
  webhooks: {
    timeoutMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    outboxPollMs: number;
    /** Non-public addresses deliveries may reach (the outbound-URL policy's exception). */
    allowPrivateNetworks: NetworkAllowance;
  };
}

export function toPlatformConfig(service: string, defaultPort: number, env: BaseEnv): PlatformConfig {
  return {
    service,
    env: env.NODE_ENV,
    http: {
      host: env.HOST,
      port: env.PORT ?? defaultPort,
      bodyLimit: env.BODY_LIMIT_BYTES,
      trustedProxies: env.TRUSTED_PROXIES,
      ingestBodyLimit: Math.max(env.INGEST_BODY_LIMIT_BYTES, env.BODY_LIMIT_BYTES),
    },
    logLevel: env.LOG_LEVEL,
    database: { url: env.DATABASE_URL },
    redis: { url: env.REDIS_URL, prefix: env.REDIS_PREFIX, clusterNodes: env.REDIS_CLUSTER_NODES },
    auth: {
      jwtSecret: env.JWT_SECRET,
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      maxLifetimeSeconds: env.JWT_MAX_LIFETIME_SECONDS,
    },
    rateLimit: {
      max: env.RATE_LIMIT_MAX,
      windowSeconds: env.RATE_LIMIT_WINDOW_SECONDS,
      authFailureMax: env.AUTH_FAILURE_LIMIT_MAX,
    },
    maintenanceFromEnv: env.MAINTENANCE_MODE,
    workerOnly: env.WORKER_ONLY,
    serviceApiKey: env.SERVICE_API_KEY,
    urls: {
      registry: env.REGISTRY_URL.replace(/\/$/, ''),
      experiments: env.EXPERIMENTS_URL.replace(/\/$/, ''),
      drift: env.DRIFT_URL.replace(/\/$/, ''),
      learning: env.LEARNING_URL.replace(/\/$/, ''),
    },
    // A worker-only process exists to run workers, whatever RUN_WORKERS says.
    queues: { runWorkers: env.WORKER_ONLY || env.RUN_WORKERS },
    webhooks: {
      timeoutMs: env.WEBHOOK_TIMEOUT_MS,
      maxAttempts: env.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
      outboxPollMs: env.OUTBOX_POLL_MS,
      allowPrivateNetworks: env.WEBHOOK_ALLOW_PRIVATE_NETWORKS ?? NO_ALLOWANCE,
    },
  };
}
