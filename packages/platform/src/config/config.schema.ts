import { z } from 'zod';
import { parseCidrList } from '../http/client-ip.js';
import { parseClusterNodes } from '../redis/cluster-nodes.js';
import { parseNetworkAllowance } from '../outbound/address-policy.js';

/** A boolean environment variable: 1/0, true/false, yes/no, on/off. */
export const envBool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off', ''])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** A URL environment variable with one of the given protocols. */
export const envUrl = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

/** Environment variables every service reads. Services extend this with their own. */
export const BaseEnvObject = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: envUrl(['postgres:', 'postgresql:']).default('postgresql://postgres@127.0.0.1:5432/modelyard'),
  REDIS_URL: envUrl(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and BullMQ queue, so several installations can share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:-]{1,64}$/)
    .default('modelyard'),
  /** Seed nodes of a Redis Cluster (`host:port,host:port,…`); when set, REDIS_URL gives only credentials. */
  REDIS_CLUSTER_NODES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const parsed = parseClusterNodes(v);
      if (parsed.ok) return parsed.nodes;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters (HS256 key)').optional(),
  JWT_JWKS_URL: envUrl(['https:', 'http:']).optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(600),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /** Failed authentications per client IP per rate-limit window before that IP is locked out; 0 disables. */
  AUTH_FAILURE_LIMIT_MAX: z.coerce.number().int().min(0).default(30),
  /**
   * Peers whose X-Forwarded-For is believed (comma-separated IPs or CIDRs). Without it the socket
   * address is the client: anyone could otherwise pick their own address and escape every per-IP limit.
   */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const parsed = parseCidrList(v);
      if (parsed.ok) return parsed.cidrs;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    }),
  /** Longest lifetime (exp − iat) a bearer JWT may have; longer-lived tokens are refused. */
  JWT_MAX_LIFETIME_SECONDS: z.coerce.number().int().min(60).max(31_536_000).default(86_400),
  MAINTENANCE_MODE: envBool.default(false),
  /** Largest JSON body on every route but ingestion (requests past it get a 413). */
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  /**
   * Largest JSON body on ingestion routes (drift records and references, learning samples,
   * experiment exposures and events): a batch of 10,000 drift records at 20 features is about 4 MB.
   */
  INGEST_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024),
  /** Set to 1 for a worker-only deployment: queue consumers run, no HTTP routes but health/metrics. */
  WORKER_ONLY: envBool.default(false),
  /** Set to 0 on API-only replicas when workers run in their own deployment (WORKER_ONLY=1). */
  RUN_WORKERS: envBool.default(true),
  /** A receiver gets this long to answer a delivery before the attempt counts as failed. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Attempts per delivery; with the back-off below, 15 attempts span about 9 hours of receiver downtime. */
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(15),
  /** First retry delay; each further retry waits twice as long. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2_000),
  /**
   * Non-public networks webhook deliveries may reach: unset/false (default) refuses loopback,
   * private, link-local… addresses; `true` allows every address; or a list of CIDRs (on-prem receivers).
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: z
    .string()
    .transform((value, ctx) => {
      try {
        return parseNetworkAllowance(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  /** How often the outbox is polled for new events (also the worst-case extra delivery latency). */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  /** Credential this service presents to the others; without it, a JWT signed with JWT_SECRET. */
  SERVICE_API_KEY: z.string().min(16).optional(),
  REGISTRY_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3001'),
  EXPERIMENTS_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3002'),
  DRIFT_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3003'),
  LEARNING_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3004'),
});

/** Adds the cross-field rules to a service's env schema (BaseEnvObject, possibly extended). */
export function withEnvRules<S extends z.ZodType<{ JWT_SECRET?: string; JWT_JWKS_URL?: string }>>(schema: S) {
  return schema.refine((env) => Boolean(env.JWT_SECRET || env.JWT_JWKS_URL), {
    message: 'set JWT_SECRET (HS256) or JWT_JWKS_URL (RS256)',
    path: ['JWT_SECRET'],
  });
}

export const BaseEnv = withEnvRules(BaseEnvObject);
export type BaseEnv = z.infer<typeof BaseEnvObject>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, at start-up, into a typed object. Every bad or missing variable is
 * reported at once, by name, so an operator fixes them in one round.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  // Empty strings mean "unset" (common in container env files); let defaults apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`));
}
