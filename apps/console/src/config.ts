import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { BaseEnvObject, envUrl, parseEnv, toPlatformConfig, type PlatformConfig } from '@modelyard/platform';
import type { DynamicModule } from '@nestjs/common';
import { z } from 'zod';
import { AppModule } from './app.module.js';

export const SERVICE = 'console';
export const DEFAULT_PORT = 3000;

/** The SPA Vite builds (dist/web beside dist/main.js), whether run from dist/ or from src/ in tests. */
const BUILT_WEB_DIR = fileURLToPath(new URL('../dist/web', import.meta.url));

const seconds = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * The console's environment: the platform's variables (the service URLs among them), serving's
 * URL, and the session and proxy settings. The console verifies no token itself (the registry
 * does, at sign-in and on every forwarded call), so JWT_SECRET is not required here.
 */
export const ConsoleEnvObject = BaseEnvObject.extend({
  /**
   * No per-address limit by default: every forwarded call carries the user's credential and counts
   * against that credential's limit at the service; a page load makes dozens of calls, and people
   * behind one NAT share an address. Failed sign-ins are still limited (AUTH_FAILURE_LIMIT_MAX).
   */
  RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(0),
  SERVING_URL: envUrl(['http:', 'https:']).default('http://127.0.0.1:3005'),
  /** A session unused this long ends (sliding); 8 h by default. */
  CONSOLE_SESSION_IDLE_SECONDS: seconds(60, 7 * 86_400).default(8 * 3600),
  /** A session ends this long after sign-in whatever its use (and never after its credential expires). */
  CONSOLE_SESSION_MAX_SECONDS: seconds(60, 30 * 86_400).default(24 * 3600),
  /** A service gets this long to answer a forwarded call (headers and each read of the body). */
  CONSOLE_PROXY_TIMEOUT_MS: seconds(100, 600_000).default(30_000),
  /** Where the built single-page app is (index.html and assets/). */
  CONSOLE_WEB_DIR: z.string().min(1).default(BUILT_WEB_DIR),
});
type ConsoleEnv = z.infer<typeof ConsoleEnvObject>;

/** The services the console forwards to, by the name used in `/api/<service>/…`. */
export type ServiceName = 'registry' | 'experiments' | 'drift' | 'learning' | 'serving';

export interface ConsoleSettings {
  upstreams: ReadonlyMap<ServiceName, string>;
  sessionIdleSeconds: number;
  sessionMaxSeconds: number;
  proxyTimeoutMs: number;
  webDir: string;
}

export interface ConsoleConfig extends PlatformConfig {
  console: ConsoleSettings;
}

function toConsoleSettings(env: ConsoleEnv, platform: PlatformConfig): ConsoleSettings {
  return {
    upstreams: new Map<ServiceName, string>([
      ['registry', platform.urls.registry],
      ['experiments', platform.urls.experiments],
      ['drift', platform.urls.drift],
      ['learning', platform.urls.learning],
      ['serving', env.SERVING_URL.replace(/\/$/, '')],
    ]),
    sessionIdleSeconds: env.CONSOLE_SESSION_IDLE_SECONDS,
    sessionMaxSeconds: env.CONSOLE_SESSION_MAX_SECONDS,
    proxyTimeoutMs: env.CONSOLE_PROXY_TIMEOUT_MS,
    webDir: env.CONSOLE_WEB_DIR,
  };
}

export function buildConsole(env: Record<string, string | undefined>): { module: DynamicModule; config: ConsoleConfig } {
  const parsed = parseEnv(ConsoleEnvObject, env);
  const platform = toPlatformConfig(SERVICE, DEFAULT_PORT, parsed);
  // The platform's JWT check needs a key to start. No console route takes a bearer token, so
  // without JWT_SECRET/JWT_JWKS_URL a random key of this process stands in: it verifies nothing.
  if (!platform.auth.jwtSecret && !platform.auth.jwksUrl) platform.auth.jwtSecret = randomBytes(48).toString('base64url');
  const config: ConsoleConfig = { ...platform, console: toConsoleSettings(parsed, platform) };
  return { module: AppModule.forRoot(config), config };
}
