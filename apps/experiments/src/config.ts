import { BaseEnvObject, parseEnv, toPlatformConfig, withEnvRules, type PlatformConfig } from '@modelyard/platform';
import type { DynamicModule } from '@nestjs/common';
import { AppModule } from './app.module.js';

export const SERVICE = 'experiments';
export const DEFAULT_PORT = 3002;

/** The experiments service's environment: the platform's variables (REGISTRY_URL among them). */
export const ExperimentsEnv = withEnvRules(BaseEnvObject);

export function buildExperiments(env: Record<string, string | undefined>): { module: DynamicModule; config: PlatformConfig } {
  const config = toPlatformConfig(SERVICE, DEFAULT_PORT, parseEnv(ExperimentsEnv, env));
  return { module: AppModule.forRoot(config), config };
}
