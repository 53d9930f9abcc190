import { BaseEnvObject, envBool, envUrl, parseEnv, toPlatformConfig, withEnvRules, type PlatformConfig } from '@modelyard/platform';
import type { DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { AppModule } from './app.module.js';

export const SERVICE = 'registry';
export const DEFAULT_PORT = 3001;

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const bytes = (min: number) => z.coerce.number().int().min(min).max(Number.MAX_SAFE_INTEGER);

/** The registry's environment: the platform's variables plus artifact storage. */
export const RegistryEnvObject = BaseEnvObject.extend({
  ARTIFACT_BACKEND: z.enum(['filesystem', 's3']).default('filesystem'),
  /** Filesystem backend: where blobs live (and temporary uploads, on the same filesystem so commits are renames). */
  ARTIFACT_DIR: z.string().min(1).default('./var/artifacts'),
  /** Largest accepted artifact. The body is streamed, so this bounds disk use, not memory. */
  ARTIFACT_MAX_BYTES: bytes(1).default(20 * GiB),
  /** Filesystem backend: /health/ready fails below this much free space. */
  ARTIFACT_MIN_FREE_BYTES: bytes(0).default(GiB),
  /**
   * Files up to this size are read and verified before the first byte is sent, so a corrupted
   * one gets a clean error status. Larger ones are verified while streaming (see artifacts/integrity.ts).
   */
  ARTIFACT_VERIFY_BEFORE_SEND_BYTES: bytes(0)
    .max(256 * MiB)
    .default(8 * MiB),
  S3_ENDPOINT: envUrl(['http:', 'https:']).optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** Path-style URLs (`endpoint/bucket/key`), needed by most S3-compatible servers (MinIO, Ceph, moto). */
  S3_FORCE_PATH_STYLE: envBool.default(false),
  /** Without both, the AWS SDK's default chain is used (environment, profile, instance role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Key prefix inside the bucket, e.g. `modelyard/`. */
  S3_PREFIX: z
    .string()
    .max(200)
    .regex(/^([\w.-]+\/)*$/, 'empty, or segments each ending with /')
    .default(''),
  /** Multipart part size; S3 needs at least 5 MiB and allows 10,000 parts per object. */
  S3_PART_SIZE_BYTES: bytes(5 * MiB)
    .max(5 * GiB)
    .default(16 * MiB),
  /**
   * Audit entries older than this many days are moved to the artifact storage as NDJSON (listed in
   * registry_audit_archives) and leave the database. 0 (the default) keeps every entry.
   */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(0).max(36_500).default(0),
});

export const RegistryEnv = withEnvRules(RegistryEnvObject)
  .refine((env) => env.ARTIFACT_BACKEND !== 's3' || Boolean(env.S3_BUCKET), {
    message: 'required when ARTIFACT_BACKEND=s3',
    path: ['S3_BUCKET'],
  })
  .refine((env) => Boolean(env.S3_ACCESS_KEY_ID) === Boolean(env.S3_SECRET_ACCESS_KEY), {
    message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither',
    path: ['S3_SECRET_ACCESS_KEY'],
  });
type RegistryEnv = z.infer<typeof RegistryEnvObject>;

export interface ArtifactsConfig {
  backend: 'filesystem' | 's3';
  maxBytes: number;
  verifyBeforeSendBytes: number;
  filesystem: { dir: string; minFreeBytes: number };
  s3: {
    endpoint?: string;
    bucket: string;
    region: string;
    forcePathStyle: boolean;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    prefix: string;
    partSize: number;
  };
}

export interface RegistryConfig extends PlatformConfig {
  artifacts: ArtifactsConfig;
  /** Days audit entries stay in the database; null keeps them forever. */
  auditRetentionDays: number | null;
}

function toArtifactsConfig(env: RegistryEnv): ArtifactsConfig {
  return {
    backend: env.ARTIFACT_BACKEND,
    maxBytes: env.ARTIFACT_MAX_BYTES,
    verifyBeforeSendBytes: env.ARTIFACT_VERIFY_BEFORE_SEND_BYTES,
    filesystem: { dir: env.ARTIFACT_DIR, minFreeBytes: env.ARTIFACT_MIN_FREE_BYTES },
    s3: {
      endpoint: env.S3_ENDPOINT,
      bucket: env.S3_BUCKET ?? '',
      region: env.S3_REGION,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
      credentials:
        env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
          : undefined,
      prefix: env.S3_PREFIX,
      partSize: env.S3_PART_SIZE_BYTES,
    },
  };
}

export function buildRegistry(env: Record<string, string | undefined>): { module: DynamicModule; config: RegistryConfig } {
  const parsed = parseEnv(RegistryEnv, env);
  const config: RegistryConfig = {
    ...toPlatformConfig(SERVICE, DEFAULT_PORT, parsed),
    artifacts: toArtifactsConfig(parsed),
    auditRetentionDays: parsed.AUDIT_RETENTION_DAYS || null,
  };
  return { module: AppModule.forRoot(config), config };
}
