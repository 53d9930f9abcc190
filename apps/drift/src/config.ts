import { BaseEnvObject, parseEnv, toPlatformConfig, withEnvRules, type PlatformConfig } from '@modelyard/platform';
import type { DynamicModule } from '@nestjs/common';
import { AppModule } from './app.module.js';

export const SERVICE = 'drift';
export const DEFAULT_PORT = 3003;

/**
 * The drift service's environment: the platform's variables. Record and reference batches (up to
 * 10,000 records, about 4 MB at 20 features) get INGEST_BODY_LIMIT_BYTES on their own routes.
 */
export const DriftEnv = withEnvRules(BaseEnvObject);

export function buildDrift(env: Record<string, string | undefined>): { module: DynamicModule; config: PlatformConfig } {
  const config = toPlatformConfig(SERVICE, DEFAULT_PORT, parseEnv(DriftEnv, env));
  return { module: AppModule.forRoot(config), config };
}
