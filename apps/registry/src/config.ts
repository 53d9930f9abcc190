import { BaseEnvObject, parseEnv, toPlatformConfig, withEnvRules, type PlatformConfig } from '@modelyard/platform';
import type { DynamicModule } from '@nestjs/common';
import { AppModule } from './app.module.js';

export const SERVICE = 'registry';
export const DEFAULT_PORT = 3001;

/** The registry's environment: the platform's variables (artifact storage arrives with its issue). */
export const RegistryEnv = withEnvRules(BaseEnvObject);

export function buildRegistry(env: Record<string, string | undefined>): { module: DynamicModule; config: PlatformConfig } {
  const config = toPlatformConfig(SERVICE, DEFAULT_PORT, parseEnv(RegistryEnv, env));
  return { module: AppModule.forRoot(config), config };
}
