import { BaseEnvObject, parseEnv, toPlatformConfig, withEnvRules, type PlatformConfig } from '@modelyard/platform';
import type { DynamicModule } from '@nestjs/common';
import { AppModule } from './app.module.js';

export const SERVICE = 'learning';
export const DEFAULT_PORT = 3004;

/** The learning service's environment: the platform's variables (REGISTRY_URL, EXPERIMENTS_URL among them). */
export const LearningEnv = withEnvRules(BaseEnvObject);

export function buildLearning(env: Record<string, string | undefined>): { module: DynamicModule; config: PlatformConfig } {
  const config = toPlatformConfig(SERVICE, DEFAULT_PORT, parseEnv(LearningEnv, env));
  return { module: AppModule.forRoot(config), config };
}
