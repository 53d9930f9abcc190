import { Logger, type DynamicModule } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp, listen } from './bootstrap.js';
import type { PlatformConfig } from './config/platform-config.js';
import { PinoNestLogger, createRootLogger } from './logging/logger.js';
import { applyRuntimeFlags } from './runtime/runtime-flags.js';
import { shareClients } from './shared-clients.js';

export type BuildService = (env: Record<string, string | undefined>) => { module: DynamicModule; config: PlatformConfig };

export interface ServiceToStart {
  name: string;
  build: BuildService;
  /** The service's environment (its PORT among them). */
  env: Record<string, string | undefined>;
}

export interface RunningServices {
  /** Each started service's base URL, by name. */
  urls: Map<string, string>;
  apps: Map<string, NestFastifyApplication>;
  /** Closes every service, the last started first (the console before the services it calls). */
  close(): Promise<void>;
}

/**
 * Several services in one Node process: one HTTP server per service port, one Prisma client and
 * one Redis client for all (shared-clients.ts), the code of the framework and libraries loaded
 * once. For small installs and `npm run up`; separate processes stay the production shape. A
 * service that fails to start closes the ones already running and the error is thrown.
 */
export async function startServices(services: readonly ServiceToStart[], logLevel = 'info'): Promise<RunningServices> {
  applyRuntimeFlags();
  shareClients(true);
  const apps = new Map<string, NestFastifyApplication>();
  const urls = new Map<string, string>();
  const close = async () => {
    for (const app of [...apps.values()].reverse()) await app.close();
    apps.clear();
  };
  try {
    for (const s of services) {
      const { module, config } = s.build(s.env);
      const app = await createApp(module, config, { shutdownHooks: false });
      apps.set(s.name, app);
      urls.set(s.name, await listen(app, config));
    }
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  // Nest's class loggers (`new Logger(Context)`) share one process-wide instance, which each
  // createApp pointed at its own service: lines not tied to one app say so.
  Logger.overrideLogger(new PinoNestLogger(createRootLogger('all-in-one', logLevel)));
  return { urls, apps, close };
}
