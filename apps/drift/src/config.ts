import { BaseEnvObject, parseEnv, toPlatformConfig, withEnvRules, type PlatformConfig } from '@modelyard/platform';
import type { DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { AppModule } from './app.module.js';

export const SERVICE = 'drift';
export const DEFAULT_PORT = 3003;

/**
 * The drift service's environment: the platform's variables, with a larger default body limit
 * because an ingestion batch holds up to 10,000 records (about 4 MB at 20 features).
 */
export const DriftEnv = withEnvRules(
  BaseEnvObject.extend({ BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(32 * 1024 * 1024) }),
);

export function buildDrift(env: Record<string, string | undefined>): { module: DynamicModule; config: PlatformConfig } {
  const config = toPlatformConfig(SERVICE, DEFAULT_PORT, parseEnv(DriftEnv, env));
  return { module: AppModule.forRoot(config), config };
}
